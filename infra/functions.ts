import type { TableId } from '../functions/adapters/tables.ts';

/**
 * The Lambda functions, as data: which handler file, how it is triggered and exactly what it may
 * touch. The stateless stack turns each entry into a function, its trigger and its IAM statements.
 */

export type TableAccess = 'read' | 'write' | 'readWrite';
export type QueueId = 'plan' | 'send' | 'emailEvents' | 'usage';
export type ScheduleId = 'tick' | 'nightly' | 'export';

export type Trigger =
  | { kind: 'schedule'; schedule: ScheduleId }
  | { kind: 'queue'; queue: QueueId; batchSize: number; maxBatchingWindowSeconds?: number; sender?: boolean }
  | { kind: 'url' };

export interface FunctionSpec {
  /** construct id */
  id: string;
  /** file name under functions/handlers */
  file: string;
  description: string;
  memorySize: number;
  timeoutSeconds: number;
  trigger: Trigger;
  tables: Partial<Record<TableId, TableAccess>>;
  /** queues it sends messages to */
  sendsTo?: QueueId[];
  /** may call ses:SendEmail with the identity and the configuration set */
  sendsEmail?: boolean;
  /** may read the unsubscribe signing key */
  readsSigningKey?: boolean;
  /** may put events on the custom bus (alerts, CTAs) */
  putsEvents?: boolean;
  /** may write KPI exports to the bucket */
  writesExports?: boolean;
  /**
   * X-Ray: every invocation is traced unless this is 'pass-through' (only requests that arrive
   * traced, which queue messages from EventBridge never do)
   */
  tracing?: 'pass-through';
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    id: 'Tick',
    file: 'tick.ts',
    description: 'hourly: fans out one plan-shard message per scan segment',
    memorySize: 256,
    timeoutSeconds: 60,
    trigger: { kind: 'schedule', schedule: 'tick' },
    tables: {},
    sendsTo: ['plan'],
  },
  {
    id: 'PlanShard',
    file: 'plan-shard.ts',
    description: 'scans one segment of contacts, evaluates every campaign, claims and enqueues due sends',
    memorySize: 1024,
    timeoutSeconds: 600,
    trigger: { kind: 'queue', queue: 'plan', batchSize: 1 },
    tables: {
      contacts: 'readWrite',
      accounts: 'read',
      sends: 'readWrite',
      state: 'readWrite',
      suppressions: 'read',
    },
    sendsTo: ['send'],
  },
  {
    id: 'SendStep',
    file: 'send-step.ts',
    description: 'renders and sends one claimed step email through SES',
    memorySize: 1024,
    timeoutSeconds: 60,
    trigger: { kind: 'queue', queue: 'send', batchSize: 10, sender: true },
    // ctas: csm-alert steps raise CTAs (one per account) instead of sending email.
    tables: {
      contacts: 'readWrite',
      accounts: 'read',
      sends: 'readWrite',
      state: 'readWrite',
      suppressions: 'read',
      ctas: 'readWrite',
    },
    sendsTo: ['send'],
    sendsEmail: true,
    readsSigningKey: true,
    putsEvents: true,
  },
  {
    id: 'RecordEmailEvents',
    file: 'record-email-events.ts',
    description: 'records SES email events: sends, opens, clicks, suppressions, breaker, KPI counters',
    memorySize: 512,
    timeoutSeconds: 60,
    trigger: { kind: 'queue', queue: 'emailEvents', batchSize: 10, maxBatchingWindowSeconds: 5 },
    // Several invocations per email, each a few DynamoDB writes: a trace of each would cost more than
    // the function itself (docs/costs.md); its failures show in the logs, metrics and the DLQ alarm.
    tracing: 'pass-through',
    tables: {
      events: 'readWrite',
      sends: 'readWrite',
      suppressions: 'readWrite',
      state: 'readWrite',
      contacts: 'readWrite',
    },
    putsEvents: true,
  },
  {
    id: 'IngestUsage',
    file: 'ingest-usage.ts',
    description: 'turns product usage events into daily usage rows and contact rollups',
    memorySize: 512,
    timeoutSeconds: 60,
    trigger: { kind: 'queue', queue: 'usage', batchSize: 10, maxBatchingWindowSeconds: 5 },
    // One invocation per few product events, like the email-event tracker: not worth a trace each.
    tracing: 'pass-through',
    tables: { usage: 'readWrite', contacts: 'readWrite', accounts: 'readWrite', state: 'readWrite' },
  },
  {
    id: 'Unsubscribe',
    file: 'unsubscribe.ts',
    description: 'one-click unsubscribe (RFC 8058) and its confirmation page',
    memorySize: 512,
    timeoutSeconds: 10,
    trigger: { kind: 'url' },
    // Topic opt-outs live on the contact; the send is marked unsubscribed for the KPIs.
    // Also the preference center (contacts), the CTA acknowledge/close pages (ctas, accounts) and the NPS
    // survey page, whose answers go through ingest (daily usage rows, the account's latest NPS).
    tables: {
      contacts: 'readWrite',
      sends: 'readWrite',
      state: 'readWrite',
      ctas: 'readWrite',
      accounts: 'readWrite',
      usage: 'readWrite',
    },
    readsSigningKey: true,
  },
  {
    id: 'NightlyHealth',
    file: 'nightly-health.ts',
    description: 'nightly: usage rollups rolled forward, health scores, tiers and CTAs for CSMs',
    memorySize: 1024,
    timeoutSeconds: 900,
    trigger: { kind: 'schedule', schedule: 'nightly' },
    // contacts: readWrite because the job writes refreshed usage rollups back.
    tables: {
      accounts: 'readWrite',
      contacts: 'readWrite',
      usage: 'read',
      state: 'readWrite',
      ctas: 'readWrite',
    },
    // signs the digest's acknowledge/close links
    readsSigningKey: true,
    putsEvents: true,
    sendsEmail: true,
  },
  {
    id: 'ExportKpis',
    file: 'export-kpis.ts',
    description: 'daily: exports KPIs as CSV, JSON and an HTML report to S3',
    memorySize: 1024,
    timeoutSeconds: 900,
    trigger: { kind: 'schedule', schedule: 'export' },
    tables: {
      sends: 'read',
      contacts: 'read',
      accounts: 'read',
      usage: 'read',
      state: 'read',
    },
    writesExports: true,
  },
];

/**
 * DynamoDB actions per access level: only the item operations the repositories use (Get, Query, Scan,
 * Put, Update; tests/infra/stacks.test.ts checks the adapters against this list). No Describe*, no
 * transactions, no table management.
 */
export const DYNAMODB_ACTIONS: Record<TableAccess, string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:Scan',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    // whole daily usage rows are written 25 at a time (usage seeding and imports share the adapter)
    'dynamodb:BatchWriteItem',
  ],
};
