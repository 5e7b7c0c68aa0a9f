import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createDocumentClient, localTableNames } from '../../functions/adapters/dynamo-client.ts';
import { drainPlanQueue, drainSendQueue } from '../../functions/adapters/in-process-consumers.ts';
import { InProcessQueue } from '../../functions/adapters/in-process-queue.ts';
import { readSesStore, type StoredEmail } from '../../functions/adapters/local-emulators.ts';
import { createLocalTables } from '../../functions/adapters/local-tables.ts';
import { InMemoryMetrics } from '../../functions/adapters/memory/metrics.ts';
import { InMemoryPublisher } from '../../functions/adapters/memory/publisher.ts';
import { SILENT_LOG } from '../../functions/adapters/powertools-log.ts';
import { loadProgramFromDir } from '../../functions/adapters/program-files.ts';
import {
  planShardDeps,
  reconcileDeps,
  repositories,
  sendPolicyOf,
  sendStepDeps,
  trackerDeps,
  type Wiring,
} from '../../functions/adapters/runtime-wiring.ts';
import { SesEmailSender } from '../../functions/adapters/ses-sender.ts';
import { loadTemplateCatalog } from '../../functions/adapters/template-files.ts';
import { reconcileSends } from '../../functions/app/reconcile-sends.ts';
import { recordEmailEvent } from '../../functions/app/record-email-event.ts';
import type { SendMessage } from '../../functions/app/send-step.ts';
import { createStepRenderer } from '../../functions/app/step-renderer.ts';
import { type PlanShardMessage, tick } from '../../functions/app/tick.ts';
import { encodeTagValue, TAG } from '../../functions/core/sending/email-tags.ts';
import type { SendRecord } from '../../functions/core/sending/send.ts';
import { Account, Contact } from '../../functions/core/shared/domain.ts';
import { SesEventBridgeEvent } from '../../functions/core/tracking/ses-events.ts';

const loaded = await loadProgramFromDir({ campaignsDir: 'campaigns', templatesDir: 'templates' });
if (!loaded.program) throw new Error('the example program does not load');
const program = loaded.program;
const catalog = await loadTemplateCatalog('templates');

/** A Tuesday, 11:00 in Tokyo: inside the policy's send window. */
export const T0 = Date.parse('2026-11-24T02:00:00Z');
const KEY = { id: 'k1', secret: 'integration-test-signing-key-0123456789' };

export interface Chaos {
  duplicateDelivery?: boolean;
  /** fraction of SendEmail calls answered with a throttle */
  throttle?: number;
  /** fraction of sends that crash after the claim, before SES is called */
  crashBeforeSes?: number;
}

/** A seeded pseudo-random stream (mulberry32), so chaos runs are reproducible. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One isolated runtime on the shared emulators: own tables, own recipient domain, own clock. */
export async function createHarness(
  endpoints: { dynamoEndpoint: string; sesEndpoint: string },
  chaos: Chaos = {},
) {
  const run = randomUUID().slice(0, 8);
  const domain = `run-${run}.example.com`;
  const clock = {
    time: T0,
    now() {
      return this.time;
    },
  };
  const waitUntil = async (t: number) => {
    clock.time = Math.max(clock.time, t);
  };
  const tables = localTableNames(`it-${run}-`);
  const raw = new DynamoDBClient({
    endpoint: endpoints.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createLocalTables(raw, tables);
  const db = createDocumentClient({ endpoint: endpoints.dynamoEndpoint });
  const faultRandom = seeded(7);
  const sendQueue = new InProcessQueue<SendMessage>({
    name: 'send',
    clock,
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 1000,
    ...(chaos.duplicateDelivery ? { faults: { duplicateDelivery: () => true } } : {}),
  });
  const planQueue = new InProcessQueue<PlanShardMessage>({ name: 'plan', clock });
  const publisher = new InMemoryPublisher();
  const metrics = new InMemoryMetrics();
  const wiring: Wiring = {
    db,
    tables,
    clock,
    log: SILENT_LOG,
    metrics,
    publisher,
    sendQueue,
    random: seeded(3),
  };
  const repos = repositories(wiring);

  const ses = new SESv2Client({
    endpoint: endpoints.sesEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let throttled = 0;
  if (chaos.throttle) {
    const rate = chaos.throttle;
    ses.middlewareStack.add(
      (next) => async (args) => {
        if (faultRandom() < rate) {
          throttled += 1;
          throw Object.assign(new Error('Maximum sending rate exceeded.'), {
            name: 'TooManyRequestsException',
            $metadata: { httpStatusCode: 429 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'chaosThrottle' },
    );
  }
  const crashed = new Set<string>();
  const sendDeps = sendStepDeps(wiring, {
    renderer: createStepRenderer({
      program,
      catalog,
      signingKeys: [KEY],
      unsubscribeBaseUrl: 'https://unsubscribe.tsumiki.example/u',
    }),
    sender: new SesEmailSender(ses, {
      fromAddress: 'cs@tsumiki.example',
      fromName: 'Tsumiki',
      configurationSet: 'lowtouch',
    }),
    policy: sendPolicyOf(program),
    ...(chaos.crashBeforeSes
      ? {
          faults: {
            beforeSes: (sendId: string) => {
              if (!crashed.has(sendId) && faultRandom() < (chaos.crashBeforeSes ?? 0)) {
                crashed.add(sendId);
                throw new Error(`simulated crash before SES for ${sendId}`);
              }
            },
          },
        }
      : {}),
  });
  const planDeps = planShardDeps(wiring, program);
  const consumer = { metrics, log: SILENT_LOG, waitUntil };

  return {
    clock,
    domain,
    /** this run's table names and signing key, for tests that drive the Lambda handlers themselves */
    tables,
    signingKey: KEY,
    repos,
    publisher,
    sendQueue,
    crashed,
    throttledCount: () => throttled,

    /** Seeds `accounts` low-touch accounts with `perAccount` new contacts each (half ja, half en). */
    async seed(accounts: number, perAccount: number): Promise<void> {
      for (let a = 0; a < accounts; a++) {
        await repos.accounts.put(
          Account.parse({
            id: `a${a}`,
            name: `Account ${a}`,
            plan: 'team',
            status: 'active',
            currency: a % 2 ? 'USD' : 'JPY',
            arr: 1_200_000,
            mrr: 100_000,
            seats: 10,
            startedAt: '2026-01-01T00:00:00Z',
            tier: 'low',
          }),
        );
        for (let c = 0; c < perAccount; c++) {
          await repos.contacts.put(
            Contact.parse({
              id: `c${a}-${c}`,
              accountId: `a${a}`,
              email: `c${a}-${c}@${domain}`,
              name: `Person ${a}-${c}`,
              locale: c % 2 ? 'ja' : 'en',
              timeZone: 'Asia/Tokyo',
              signedUpAt: new Date(T0 - 86_400_000).toISOString(),
            }),
          );
        }
      }
    },

    /** One tick: fan out, plan every shard through the plan queue. */
    async tick(shards = 3): Promise<void> {
      await tick({ at: clock.now(), shards }, { planQueue });
      await drainPlanQueue(planQueue, planDeps, consumer);
    },

    /** Delivers the send queue until it is empty (the clock jumps over backoff delays). */
    async drainSends(): Promise<void> {
      await drainSendQueue(sendQueue, sendDeps, consumer);
    },

    /** Lets time pass and reconciles lost sends, as the next tick's segment 0 would. */
    async reconcileLater(): Promise<void> {
      clock.time += 20 * 60_000;
      await reconcileSends(reconcileDeps(wiring));
    },

    /** Every send record of this run. */
    async sends(): Promise<SendRecord[]> {
      const all: SendRecord[] = [];
      for await (const page of repos.sends.scanAll()) all.push(...page);
      return all;
    },

    /** This run's mail in the emulator's store, with the send id read back from List-Unsubscribe. */
    async storedEmails(): Promise<(StoredEmail & { sendId: string | undefined })[]> {
      const { emails } = await readSesStore(endpoints.sesEndpoint);
      return emails
        .filter((email) => email.destination.to.some((to) => to.endsWith(`@${domain}`)))
        .map((email) => {
          const header = email.headers?.find((h) => h.name.toLowerCase() === 'list-unsubscribe')?.value ?? '';
          const url = header.replace(/^<|>$/g, '');
          return { ...email, sendId: url ? (new URL(url).searchParams.get('s') ?? undefined) : undefined };
        });
    },

    /** Feeds an SES event of the fixture's type for a send through the tracker. */
    async sesEvent(fixture: string, send: SendRecord, eventId: string = randomUUID()): Promise<void> {
      const text = readFileSync(join(import.meta.dirname, '../fixtures/events', `${fixture}.json`), 'utf8');
      const event = SesEventBridgeEvent.parse(JSON.parse(text));
      const address = `${send.contactId}@${domain}`;
      event.id = eventId;
      event.detail.mail.messageId = send.messageId ?? 'none';
      event.detail.mail.destination = [address];
      event.detail.mail.tags[TAG.sendId] = [encodeTagValue(send.sendId)];
      if (event.detail.eventType === 'Bounce')
        event.detail.bounce.bouncedRecipients = [{ emailAddress: address }];
      if (event.detail.eventType === 'Complaint')
        event.detail.complaint.complainedRecipients = [{ emailAddress: address }];
      await recordEmailEvent(event, trackerDeps(wiring));
    },
  };
}
