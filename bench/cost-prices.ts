// AWS list prices the cost model multiplies counts by: region us-east-1, on-demand, no free tier,
// as published on each service's pricing page in 2025 (DynamoDB after its 2024-11-01 on-demand cut).
// Check them against the pricing pages before relying on the result; a price change is one line here.

/** Where and when the prices below were read. */
export const PRICE_SOURCE = {
  region: 'us-east-1',
  asOf: '2025 list prices (pricing pages of each service)',
} as const;

/** US dollars per unit. */
export const PRICES = {
  /** Lambda, arm64: per GB-second of duration (INIT included) */
  lambdaGbSecond: 0.0000133334,
  /** Lambda: per request */
  lambdaRequest: 0.2 / 1e6,
  /** DynamoDB on-demand: per read request unit */
  dynamoReadUnit: 0.125 / 1e6,
  /** DynamoDB on-demand: per write request unit */
  dynamoWriteUnit: 0.625 / 1e6,
  /** SQS standard: per request (each 64 KB chunk) */
  sqsRequest: 0.4 / 1e6,
  /** EventBridge: per event put on a bus (custom events; SES's events are charged alike here, to be safe) */
  eventBridgeEvent: 1.0 / 1e6,
  /** EventBridge Scheduler: per scheduled invocation */
  schedulerInvocation: 1.0 / 1e6,
  /** S3 Standard: per PUT request */
  s3Put: 0.005 / 1000,
  /** X-Ray: per trace recorded */
  xrayTrace: 5.0 / 1e6,
  /** CloudWatch Logs: per GB ingested (standard class) */
  logsIngestGb: 0.5,
  /** Secrets Manager: per API call */
  secretsManagerCall: 0.05 / 10_000,
  /** SES outbound: per email, the baseline the target is stated beyond */
  sesEmail: 0.1 / 1000,
} as const;

/** Monthly charges that do not depend on the mail volume, for the note under the result. */
export const FIXED_MONTHLY = {
  /** Lambda's SQS pollers long-poll each of the 4 consumed queues: about 5 × 3 requests a minute */
  sqsIdlePolling: 4 * 5 * 3 * 60 * 24 * 30 * PRICES.sqsRequest,
  /** about a dozen standard-resolution CloudWatch alarms (DLQs, SES reputation, operations) at $0.10 */
  alarms: 12 * 0.1,
  /** the signing secret */
  secret: 0.4,
  /** the alarm topic's KMS key */
  kmsKey: 1.0,
} as const;

/** Assumptions for what the local run cannot measure. */
export const ASSUMPTIONS = {
  /** round trip of one AWS API call from Lambda, added to the measured local time of each request */
  awsCallLatencyMs: { dynamodb: 8, sesv2: 40 },
  /** INIT duration billed per cold start */
  coldStartMs: 800,
  /** CloudWatch Logs bytes per invocation (platform START/END/REPORT lines in JSON, one app line) */
  logBytesPerInvocation: 1500,
  /** SQS-triggered functions fill a batch over this window (maxBatchingWindow of the event queues) */
  batchWindowMs: 5000,
} as const;
