/**
 * The DynamoDB tables, declared once. The CDK stack creates them from this list and the local
 * runtime creates the same tables on dynalite, so the two cannot drift.
 */
export type KeyType = 'S' | 'N';

export interface KeySpec {
  name: string;
  type: KeyType;
}

export interface IndexSpec {
  indexName: string;
  partitionKey: KeySpec;
  sortKey?: KeySpec;
}

export interface TableSpec {
  /** logical name, also the suffix of the local table name */
  id: string;
  /** environment variable that carries the deployed table name to the functions */
  envKey: string;
  partitionKey: KeySpec;
  sortKey?: KeySpec;
  /** attribute holding an epoch-seconds expiry, when the table uses TTL */
  ttlAttribute?: string;
  indexes?: IndexSpec[];
}

const S = (name: string): KeySpec => ({ name, type: 'S' });

export const TABLES = {
  /** one item per contact: profile, usage rollups and the planner's state (enrollments, recent sends) */
  contacts: {
    id: 'contacts',
    envKey: 'LOWTOUCH_TABLE_CONTACTS',
    partitionKey: S('id'),
    indexes: [{ indexName: 'byAccount', partitionKey: S('accountId') }],
  },
  /** one item per account; few enough to read all of them once per tick */
  accounts: { id: 'accounts', envKey: 'LOWTOUCH_TABLE_ACCOUNTS', partitionKey: S('id') },
  /** daily usage rows per contact (sk = YYYY-MM-DD), expiring after the retention period */
  usage: {
    id: 'usage',
    envKey: 'LOWTOUCH_TABLE_USAGE',
    partitionKey: S('contactId'),
    sortKey: S('date'),
    ttlAttribute: 'expiresAt',
  },
  /** one item per claimed send, keyed by the deterministic send id */
  sends: {
    id: 'sends',
    envKey: 'LOWTOUCH_TABLE_SENDS',
    partitionKey: S('sendId'),
    indexes: [
      // sparse: only sends still `claimed` or `sending` carry pendingBucket (= their status)
      { indexName: 'byPending', partitionKey: S('pendingBucket'), sortKey: S('claimedAt') },
      // sparse: only sends SES accepted carry messageId; the tracker's fallback when tags are missing
      { indexName: 'byMessageId', partitionKey: S('messageId') },
    ],
  },
  /** raw SES events per send, for idempotency and audit, expiring after the retention period */
  events: {
    id: 'events',
    envKey: 'LOWTOUCH_TABLE_EVENTS',
    partitionKey: S('sendId'),
    sortKey: S('eventId'),
    ttlAttribute: 'expiresAt',
  },
  /** KPI counters, the breaker flag, CTAs and idempotency markers (pk/sk by kind) */
  state: {
    id: 'state',
    envKey: 'LOWTOUCH_TABLE_STATE',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    ttlAttribute: 'expiresAt',
  },
  /** CTAs with their lifecycle, keyed by account#type#reason[#occurrence]; a conditional put raises each once */
  ctas: { id: 'ctas', envKey: 'LOWTOUCH_TABLE_CTAS', partitionKey: S('key') },
  /** application-level suppression list, keyed by lower-cased address */
  suppressions: { id: 'suppressions', envKey: 'LOWTOUCH_TABLE_SUPPRESSIONS', partitionKey: S('email') },
} as const satisfies Record<string, TableSpec>;

export type TableId = keyof typeof TABLES;
