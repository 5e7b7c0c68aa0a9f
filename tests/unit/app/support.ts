import { InMemoryCtaStore } from '../../../functions/adapters/memory/ctas.ts';
import { InMemoryEmailSender } from '../../../functions/adapters/memory/email-sender.ts';
import { InMemoryMetrics } from '../../../functions/adapters/memory/metrics.ts';
import { InMemoryQueue } from '../../../functions/adapters/memory/queue.ts';
import {
  InMemoryAccounts,
  InMemoryContacts,
  InMemoryEventLog,
  InMemorySends,
  InMemoryState,
  InMemorySuppressions,
} from '../../../functions/adapters/memory/repositories.ts';
import { SILENT_LOG } from '../../../functions/adapters/powertools-log.ts';
import type { BusEvent, StepRenderer } from '../../../functions/app/ports.ts';
import type { SendMessage, SendStepDeps } from '../../../functions/app/send-step.ts';
import type { SendRecord } from '../../../functions/core/sending/send.ts';
import { Account, Contact } from '../../../functions/core/shared/domain.ts';

export const T0 = Date.parse('2026-11-24T02:00:00Z'); // a Tuesday, 11:00 in Tokyo

export class ManualClock {
  constructor(public time = T0) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export function account(id: string, extra: Partial<Account> = {}): Account {
  return Account.parse({
    id,
    name: `Account ${id}`,
    plan: 'team',
    status: 'active',
    currency: 'JPY',
    arr: 1_200_000,
    mrr: 100_000,
    startedAt: '2026-01-01T00:00:00Z',
    tier: 'low',
    ...extra,
  });
}

export function contact(id: string, accountId: string, extra: Partial<Contact> = {}): Contact {
  return Contact.parse({
    id,
    accountId,
    email: `${id}@example.com`,
    name: `Person ${id}`,
    locale: 'en',
    timeZone: 'Asia/Tokyo',
    signedUpAt: new Date(T0 - 86_400_000).toISOString(),
    ...extra,
  });
}

export function claimedSend(sendId: string, contactId: string, extra: Partial<SendRecord> = {}): SendRecord {
  const at = new Date(T0).toISOString();
  const [campaignId = 'onboarding', stepId = 'welcome'] = sendId.split('#');
  return {
    sendId,
    campaignId,
    stepId,
    variantId: 'default',
    contactId,
    accountId: 'a1',
    channel: 'email',
    template: 'onboarding/welcome',
    topic: 'onboarding-tips',
    bypassCap: false,
    status: 'claimed',
    claimedAt: at,
    updatedAt: at,
    ...extra,
  };
}

export const okRenderer: StepRenderer = {
  render: async ({ send, contact: to }) => ({
    ok: true,
    locale: to.locale,
    email: {
      subject: `Hello ${to.name}`,
      html: `<p>${send.stepId}</p>`,
      text: send.stepId,
      headers: [{ name: 'List-Unsubscribe', value: '<https://u.example/x>' }],
    },
  }),
};

/** A full set of in-memory deps for send-step, with one account a1 and contact c1. */
export async function sendWorld() {
  const clock = new ManualClock();
  const contacts = new InMemoryContacts();
  const accounts = new InMemoryAccounts();
  const sends = new InMemorySends();
  const state = new InMemoryState();
  const metrics = new InMemoryMetrics();
  const suppressions = new InMemorySuppressions();
  const events = new InMemoryEventLog();
  const queue = new InMemoryQueue<SendMessage>();
  const sender = new InMemoryEmailSender();
  const published: BusEvent[] = [];
  const ctas = new InMemoryCtaStore();
  await accounts.put(account('a1', { csmId: 'csm-1' }));
  await contacts.put(contact('c1', 'a1'));
  const deps: SendStepDeps = {
    clock,
    sends,
    contacts,
    accounts,
    suppressions,
    breaker: state,
    renderer: okRenderer,
    sender,
    queue,
    publisher: { publish: async (batch) => void published.push(...batch) },
    ctas,
    metrics,
    reputation: state.reputation(),
    limiter: { take: async () => {}, penalize: () => {} },
    log: SILENT_LOG,
    policy: {
      frequencyCap: { max: 2, perMs: 7 * 86_400_000 },
      maxClaimAgeMs: 7 * 86_400_000,
      backoff: { baseSeconds: 2, maxSeconds: 900 },
    },
    random: () => 0.5,
  };
  return {
    clock,
    contacts,
    accounts,
    sends,
    state,
    metrics,
    suppressions,
    events,
    queue,
    sender,
    published,
    ctas,
    deps,
  };
}
