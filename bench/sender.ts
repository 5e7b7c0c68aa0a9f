import { InProcessQueue } from '../functions/adapters/in-process-queue.ts';
import { InMemoryCtaStore } from '../functions/adapters/memory/ctas.ts';
import { InMemoryMetrics } from '../functions/adapters/memory/metrics.ts';
import {
  InMemoryAccounts,
  InMemoryContacts,
  InMemorySends,
  InMemoryState,
  InMemorySuppressions,
} from '../functions/adapters/memory/repositories.ts';
import { SILENT_LOG } from '../functions/adapters/powertools-log.ts';
import { processSqsBatch } from '../functions/adapters/sqs-batch.ts';
import { TokenBucket } from '../functions/adapters/token-bucket.ts';
import {
  type EmailSender,
  type OutgoingEmail,
  RetryableSendError,
  type SendResult,
} from '../functions/app/ports.ts';
import { SendMessage, type SendStepDeps, sendStep } from '../functions/app/send-step.ts';
import { Account, Contact } from '../functions/core/shared/domain.ts';
import type { BenchResult } from './bench-result.ts';

// The send-step pipeline (queue → batch → send-step → pacing → SES) against an SES fake that accepts
// at most R calls in any trailing second and throttles the rest. Real time, in-memory tables.

const RATE = 50;
const WINDOW_MS = 20_000;

/** An SES stand-in with a hard rate limit; it remembers every accepted send id. */
class RateLimitedSes implements EmailSender {
  readonly accepted: { sendId: string; at: number }[] = [];
  throttled = 0;
  private recent: number[] = [];
  constructor(private readonly ratePerSecond: number) {}
  async send(email: OutgoingEmail): Promise<SendResult> {
    const now = performance.now();
    this.recent = this.recent.filter((at) => at > now - 1000);
    if (this.recent.length >= this.ratePerSecond) {
      this.throttled += 1;
      throw new RetryableSendError('Maximum sending rate exceeded', 'throttle');
    }
    this.recent.push(now);
    this.accepted.push({ sendId: email.tags.sendId, at: now });
    return { ok: true, messageId: `fake-${this.accepted.length}` };
  }
}

/** Bench entry `sender-rate-fraction`: accepted rate ÷ R over 20 s, with lost and duplicate counts. */
export async function benchSender(): Promise<BenchResult[]> {
  const backlog = Math.ceil(((RATE * WINDOW_MS) / 1000) * 1.15);
  const contacts = new InMemoryContacts();
  const accounts = new InMemoryAccounts();
  const sends = new InMemorySends();
  const state = new InMemoryState();
  const clock = { now: () => Date.now() };
  await accounts.put(
    Account.parse({
      id: 'a1',
      name: 'Bench',
      plan: 'team',
      status: 'active',
      currency: 'USD',
      arr: 1,
      mrr: 1,
      startedAt: '2026-01-01T00:00:00Z',
    }),
  );
  const queue = new InProcessQueue<SendMessage>({ name: 'send', clock, visibilityTimeoutSeconds: 30 });
  const at = new Date().toISOString();
  for (let i = 0; i < backlog; i++) {
    await contacts.put(
      Contact.parse({
        id: `c${i}`,
        accountId: 'a1',
        email: `c${i}@bench.example`,
        name: 'B',
        signedUpAt: at,
      }),
    );
    await sends.claim({
      sendId: `bench#step#c${i}`,
      campaignId: 'bench',
      stepId: 'step',
      variantId: 'a',
      contactId: `c${i}`,
      accountId: 'a1',
      channel: 'email',
      template: 'bench/step',
      topic: 'bench',
      bypassCap: true,
      status: 'claimed',
      claimedAt: at,
      updatedAt: at,
    });
  }
  await queue.send([...sends.items.keys()].map((sendId) => ({ body: { sendId, attempt: 0 } })));
  const ses = new RateLimitedSes(RATE);
  const deps: SendStepDeps = {
    clock,
    sends,
    contacts,
    accounts,
    suppressions: new InMemorySuppressions(),
    breaker: state,
    renderer: {
      render: async ({ contact }) => ({
        ok: true,
        locale: 'en',
        email: { subject: `Hi ${contact.name}`, html: '<p>hi</p>', text: 'hi', headers: [] },
      }),
    },
    sender: ses,
    queue,
    publisher: { publish: async () => {} },
    ctas: new InMemoryCtaStore(),
    metrics: new InMemoryMetrics(),
    reputation: state.reputation(),
    limiter: new TokenBucket({ ratePerSecond: RATE }),
    log: SILENT_LOG,
    policy: { maxClaimAgeMs: 86_400_000, backoff: { baseSeconds: 1, maxSeconds: 60 } },
    random: Math.random,
  };
  const started = performance.now();
  await queue.drain(
    (event) =>
      processSqsBatch(
        event,
        { source: 'send', schema: SendMessage, handle: (message) => sendStep(message, deps) },
        { metrics: deps.metrics, log: SILENT_LOG },
      ),
    { waitUntil: (t) => new Promise((resolve) => setTimeout(resolve, Math.max(0, t - Date.now()))) },
  );
  const inWindow = ses.accepted.filter((entry) => entry.at - started <= WINDOW_MS).length;
  const rate = inWindow / (WINDOW_MS / 1000);
  const sentIds = ses.accepted.map((entry) => entry.sendId);
  const duplicates = sentIds.length - new Set(sentIds).size;
  const lost = [...sends.items.values()].filter((send) => send.status !== 'sent').length;
  return [
    {
      name: 'sender-rate-fraction',
      value: Number(rate.toFixed(2)),
      unit: `emails/s accepted (R=${RATE}/s, ${WINDOW_MS / 1000} s, ${ses.throttled} throttled, ${lost} lost, ${duplicates} duplicates)`,
      baseline: RATE,
      ratio: Number((rate / RATE).toFixed(3)),
      target: '>= 0.95 with 0 lost and 0 duplicates',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchSender(), null, 2));
}
