/**
 * Environment variable names shared by the CDK stack (which sets them) and the handlers (which read
 * them). Table names come from TABLES[...].envKey.
 */
export const ENV = {
  sendQueueUrl: 'LOWTOUCH_SEND_QUEUE_URL',
  planQueueUrl: 'LOWTOUCH_PLAN_QUEUE_URL',
  configurationSet: 'LOWTOUCH_CONFIGURATION_SET',
  fromAddress: 'LOWTOUCH_FROM_ADDRESS',
  fromName: 'LOWTOUCH_FROM_NAME',
  identityArn: 'LOWTOUCH_IDENTITY_ARN',
  usageBusName: 'LOWTOUCH_USAGE_BUS_NAME',
  unsubscribeBaseUrl: 'LOWTOUCH_UNSUBSCRIBE_BASE_URL',
  signingSecretArn: 'LOWTOUCH_SIGNING_SECRET_ARN',
  exportBucket: 'LOWTOUCH_EXPORT_BUCKET',
  planShards: 'LOWTOUCH_PLAN_SHARDS',
  maxSendRate: 'LOWTOUCH_MAX_SEND_RATE',
  breakerBounceRate: 'LOWTOUCH_BREAKER_BOUNCE_RATE',
  breakerComplaintRate: 'LOWTOUCH_BREAKER_COMPLAINT_RATE',
  /** directory holding campaigns/ and templates/ (or templates.json, the precompiled bundle) */
  programDir: 'LOWTOUCH_PROGRAM_DIR',
  /** the send queue's maximum concurrency; each sender worker paces itself to maxSendRate / this */
  senderConcurrency: 'LOWTOUCH_SENDER_CONCURRENCY',
  /** local runs only: the signing secret itself instead of a Secrets Manager ARN */
  signingSecret: 'LOWTOUCH_SIGNING_SECRET',
  /** local runs only: emulator endpoints */
  dynamodbEndpoint: 'LOWTOUCH_DYNAMODB_ENDPOINT',
  sesEndpoint: 'LOWTOUCH_SES_ENDPOINT',
} as const;
