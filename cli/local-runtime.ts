import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoCtaStore, DynamoKpiSource } from '../functions/adapters/dynamo-kpi-source.ts';
import { drainPlanQueue, drainSendQueue } from '../functions/adapters/in-process-consumers.ts';
import { InProcessQueue } from '../functions/adapters/in-process-queue.ts';
import {
  clearSesStore,
  type LocalEmulators,
  startLocalEmulators,
} from '../functions/adapters/local-emulators.ts';
import { openLocalTables } from '../functions/adapters/local-tables.ts';
import { InMemoryMetrics } from '../functions/adapters/memory/metrics.ts';
import { InMemoryPublisher } from '../functions/adapters/memory/publisher.ts';
import { SILENT_LOG } from '../functions/adapters/powertools-log.ts';
import { formatProgramErrors, loadProgramFromDir } from '../functions/adapters/program-files.ts';
import type { CountableClient } from '../functions/adapters/request-counter.ts';
import {
  ingestDeps,
  planShardDeps,
  repositories,
  sendPolicyOf,
  sendStepDeps,
  trackerDeps,
  unsubscribeDeps,
  type Wiring,
} from '../functions/adapters/runtime-wiring.ts';
import { SesDigestSender } from '../functions/adapters/ses-digest-sender.ts';
import { SesEmailSender } from '../functions/adapters/ses-sender.ts';
import { loadTemplateCatalog } from '../functions/adapters/template-files.ts';
import { ctaActionLinks } from '../functions/app/cta-pages.ts';
import { type IngestDeps, ingestUsage } from '../functions/app/ingest-usage.ts';
import { healthModelOf, runNightlyHealth } from '../functions/app/nightly-health.ts';
import { planContactNow } from '../functions/app/plan-shard.ts';
import type { EmailSender, Log, OutgoingEmail, SendResult } from '../functions/app/ports.ts';
import { recordEmailEvent } from '../functions/app/record-email-event.ts';
import type { SendMessage } from '../functions/app/send-step.ts';
import { createStepRenderer } from '../functions/app/step-renderer.ts';
import { type PlanShardMessage, tick } from '../functions/app/tick.ts';
import { handleUnsubscribe } from '../functions/app/unsubscribe.ts';
import type { Program } from '../functions/core/campaign/program.ts';
import { campaignsTriggeredBy } from '../functions/core/campaign/triggers.ts';
import type { SigningKey } from '../functions/core/sending/unsubscribe-token.ts';
import { signUnsubscribeToken } from '../functions/core/sending/unsubscribe-token.ts';
import { SesEventBridgeEvent } from '../functions/core/tracking/ses-events.ts';
import type { UsageEvent } from '../functions/core/tracking/usage-events.ts';
import { type Chaos, NO_CHAOS } from './chaos.ts';
import { randomStream } from './demo/random.ts';

/** The signing key of local runs only; deployed stacks keep theirs in Secrets Manager. */
export const LOCAL_SIGNING_KEY: SigningKey = {
  id: 'local',
  secret: 'lowtouch-local-signing-key-not-for-production',
};
export const LOCAL_SENDER = { fromAddress: 'cs@tsumiki.example', fromName: 'Tsumiki Customer Success' };
export const LOCAL_UNSUBSCRIBE_URL = 'https://unsubscribe.tsumiki.example/u';

/** A virtual clock the local runtime runs on. */
export interface VirtualClock {
  time: number;
  now(): number;
  /** moves time forward (never back) */
  advanceTo(at: number): void;
}

export function virtualClock(start: number): VirtualClock {
  return {
    time: start,
    now() {
      return this.time;
    },
    advanceTo(at: number) {
      this.time = Math.max(this.time, at);
    },
  };
}

/** What SES accepted, as the simulated mail provider sees it. */
export interface AcceptedMail {
  email: OutgoingEmail;
  messageId: string;
  at: number;
}

export interface LocalRuntimeOptions {
  campaignsDir: string;
  templatesDir: string;
  /** dynalite's LevelDB directory; in memory when absent */
  dbPath?: string;
  /** run dynalite in memory and write `dbPath` only on `saveDb()` (the demo: no disk cost per request) */
  saveDbAtEnd?: boolean;
  dynamoPort?: number;
  sesPort?: number;
  start: number;
  seed: number;
  chaos?: Chaos;
  log?: Log;
  /** called for every email SES accepted */
  onAccepted?: (mail: AcceptedMail) => void;
  shards?: number;
  /** called with each AWS SDK client before its first request (the cost bench counts requests with it) */
  instrumentClient?: (client: CountableClient, service: 'dynamodb' | 'sesv2') => void;
}

/** The product running in this process: real emulators, real use cases, in-process queues, a virtual clock. */
export type LocalRuntime = Awaited<ReturnType<typeof startLocalRuntime>>;

/** A campaign directory that does not load. */
export class ProgramLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProgramLoadError';
  }
}

/** Loads the program and fails with the positioned error list, as `lowtouch validate` prints it. */
export async function loadProgramOrThrow(campaignsDir: string, templatesDir: string): Promise<Program> {
  const { program, errors } = await loadProgramFromDir({ campaignsDir, templatesDir });
  if (!program) throw new ProgramLoadError(`the campaigns do not load:\n${formatProgramErrors(errors)}`);
  return program;
}

/** Starts the emulators, creates the tables and wires every use case the Lambdas run. */
export async function startLocalRuntime(options: LocalRuntimeOptions) {
  const chaos = options.chaos ?? NO_CHAOS;
  const log = options.log ?? SILENT_LOG;
  const program = await loadProgramOrThrow(options.campaignsDir, options.templatesDir);
  const catalog = await loadTemplateCatalog(options.templatesDir);
  const emulators: LocalEmulators = await startLocalEmulators({
    ...(options.dbPath
      ? options.saveDbAtEnd
        ? { dynamoSaveTo: options.dbPath }
        : { dynamoPath: options.dbPath }
      : {}),
    ...(options.dynamoPort !== undefined ? { dynamoPort: options.dynamoPort } : {}),
    ...(options.sesPort !== undefined ? { sesPort: options.sesPort } : {}),
  });
  // The SES emulator keeps its mail in module memory: a second run in the same process starts empty too.
  await clearSesStore(emulators.sesEndpoint);
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const { db, tables } = await openLocalTables(emulators.dynamoEndpoint);
  options.instrumentClient?.(db, 'dynamodb');
  const clock = virtualClock(options.start);
  const waitUntil = async (at: number) => clock.advanceTo(at);

  // Faults draw from their own streams so that the same seed gives the same intended sends with or without them.
  const faults = randomStream(options.seed, 'chaos');
  const duplicate = chaos.duplicateDelivery ? { faults: { duplicateDelivery: () => true } } : {};
  const sendQueue = new InProcessQueue<SendMessage>({
    name: 'send',
    clock,
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 1000,
    ...duplicate,
  });
  const planQueue = new InProcessQueue<PlanShardMessage>({ name: 'plan', clock, ...duplicate });
  const publisher = new InMemoryPublisher();
  const jitter = randomStream(options.seed, 'jitter');
  const metrics = new InMemoryMetrics();
  const wiring: Wiring = { db, tables, clock, log, metrics, publisher, sendQueue, random: jitter.next };
  const repos = repositories(wiring);

  const ses = new SESv2Client({ endpoint: emulators.sesEndpoint, region: 'us-east-1', credentials });
  options.instrumentClient?.(ses, 'sesv2');
  const throttle = faults.fork('throttle');
  if (chaos.sesThrottle > 0) {
    ses.middlewareStack.add(
      (next) => async (args) => {
        if (throttle.chance(chaos.sesThrottle))
          throw Object.assign(new Error('Maximum sending rate exceeded.'), {
            name: 'TooManyRequestsException',
            $metadata: { httpStatusCode: 429 },
          });
        return next(args);
      },
      { step: 'initialize', name: 'lowtouchChaosThrottle' },
    );
  }
  const sesSender = new SesEmailSender(ses, { ...LOCAL_SENDER, configurationSet: 'lowtouch-local' });
  const observed: EmailSender = {
    async send(email: OutgoingEmail): Promise<SendResult> {
      const result = await sesSender.send(email);
      if (result.ok) options.onAccepted?.({ email, messageId: result.messageId, at: clock.now() });
      return result;
    },
  };
  // A crash is decided once per send id, so a retried message does not crash again.
  const crashOnce = (kind: string, rate: number) => {
    const decided = new Map<string, boolean>();
    return (sendId: string) => {
      let crash = decided.get(sendId);
      if (crash === undefined) {
        crash = rate > 0 && faults.fork(`${kind}/${sendId}`).chance(rate);
        decided.set(sendId, crash);
        if (crash) throw new Error(`simulated crash ${kind} for ${sendId}`);
      }
    };
  };
  const sendDeps = sendStepDeps(wiring, {
    renderer: createStepRenderer({
      program,
      catalog,
      signingKeys: [LOCAL_SIGNING_KEY],
      unsubscribeBaseUrl: LOCAL_UNSUBSCRIBE_URL,
    }),
    sender: observed,
    policy: sendPolicyOf(program),
    faults: {
      beforeSes: crashOnce('after-claim', chaos.crashAfterClaim),
      afterSes: crashOnce('after-send', chaos.crashAfterSend),
    },
  });
  const planDeps = planShardDeps(wiring, program);
  const consumer = { metrics, log, waitUntil };
  const tracker = trackerDeps(wiring);
  const ingest: IngestDeps = {
    ...ingestDeps(wiring),
    // A usage event that a campaign enters on (entry.on) plans that contact at once and delivers what it
    // claimed, as the Lambda does with its one SQS hop to the sender, instead of waiting for the tick.
    onTrigger: async (event) => {
      if (campaignsTriggeredBy(program, event).length === 0) return;
      await planContactNow({ contactId: event.contactId, at: new Date(clock.now()).toISOString() }, planDeps);
      await drainSendQueue(sendQueue, sendDeps, consumer);
    },
  };
  const unsubscribe = unsubscribeDeps(wiring, [LOCAL_SIGNING_KEY], LOCAL_UNSUBSCRIBE_URL);
  const kpiSource = new DynamoKpiSource(db, tables);
  const shards = options.shards ?? 4;

  return {
    program,
    catalog,
    emulators,
    clock,
    repos,
    wiring,
    publisher,
    kpiSource,
    sendQueue,
    planQueue,

    /** One hourly tick: fan out, plan every shard (reconciling in segment 0), deliver the send queue. */
    async tick(): Promise<void> {
      await tick({ at: clock.now(), shards }, { planQueue });
      await drainPlanQueue(planQueue, planDeps, consumer);
      await drainSendQueue(sendQueue, sendDeps, consumer);
    },

    /** Feeds one SES event record through the tracker, as the events queue would (twice under duplicate delivery). */
    async track(record: unknown): Promise<void> {
      const parsed = SesEventBridgeEvent.safeParse(record);
      if (!parsed.success)
        throw new Error(`not an SES event record: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      await recordEmailEvent(parsed.data, tracker);
      if (chaos.duplicateDelivery) await recordEmailEvent(parsed.data, tracker);
    },

    /** Feeds one product usage event through ingestion. */
    async ingest(event: UsageEvent): Promise<void> {
      await ingestUsage(event, ingest);
      if (chaos.duplicateDelivery) await ingestUsage(event, ingest);
    },

    /** Posts the one-click unsubscribe a recipient's mail client would send. */
    async unsubscribe(contactId: string, topic: string): Promise<number> {
      const token = signUnsubscribeToken({ contactId, topic, issuedAt: clock.now() }, LOCAL_SIGNING_KEY);
      const response = await handleUnsubscribe({ method: 'POST', token, sendId: undefined }, unsubscribe);
      return response.statusCode;
    },

    /** The nightly job: health, tiers, CTAs and the CSM digests (sent through the SES emulator). */
    async nightly() {
      return runNightlyHealth(
        {},
        {
          accounts: repos.accounts,
          inputs: kpiSource,
          rollups: ingest,
          model: healthModelOf(program),
          ctas: new DynamoCtaStore(db, tables.ctas),
          events: publisher,
          digest: new SesDigestSender(
            sesSender,
            catalog,
            program.policy.spec.brand,
            clock,
            LOCAL_SENDER.fromAddress,
            {
              csms: program.policy.spec.csms,
              ctaLinks: (key) => ctaActionLinks(LOCAL_UNSUBSCRIBE_URL, LOCAL_SIGNING_KEY, key, clock.now()),
            },
          ),
          clock,
          log,
        },
      );
    },

    /** Writes the in-memory tables to `dbPath` (with `saveDbAtEnd`), so later commands read this run. */
    async saveDb(): Promise<void> {
      await emulators.saveDynamo();
    },

    async stop(): Promise<void> {
      ses.destroy();
      db.destroy();
      await emulators.stop();
    },
  };
}
