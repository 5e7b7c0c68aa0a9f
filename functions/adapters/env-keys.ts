import { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { tableNamesFromEnv } from './dynamo-client.ts';
import { TABLES } from './tables.ts';

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

const text = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());
const count = (fallback: number) =>
  z.preprocess(
    (value) => (value === '' || value === undefined ? fallback : value),
    z.coerce.number().int('a whole number').min(1, 'at least 1'),
  );
const rate = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.coerce.number().min(0, 'a share from 0 to 1').max(1, 'a share from 0 to 1').optional(),
);

/**
 * The environment of every Lambda function, parsed once by the composition root. The stack sets all of
 * it (see infra/stateless-stack.ts); a function fails at cold start, naming the variable, when a value is
 * malformed, and on first use when a value it needs is missing.
 */
export const LambdaEnv = z
  .object({
    [ENV.programDir]: z.string().min(1, 'the directory holding campaigns/ and templates.json'),
    [ENV.sendQueueUrl]: text,
    [ENV.planQueueUrl]: text,
    [ENV.configurationSet]: text,
    [ENV.fromAddress]: text,
    [ENV.fromName]: text,
    [ENV.identityArn]: text,
    [ENV.usageBusName]: text,
    [ENV.unsubscribeBaseUrl]: text,
    [ENV.signingSecretArn]: text,
    [ENV.signingSecret]: text,
    [ENV.exportBucket]: text,
    [ENV.dynamodbEndpoint]: text,
    [ENV.sesEndpoint]: text,
    [ENV.planShards]: count(4),
    [ENV.senderConcurrency]: count(1),
    [ENV.maxSendRate]: z.preprocess(
      (value) => (value === '' || value === undefined ? 14 : value),
      z.coerce.number().positive('a positive number of emails per second'),
    ),
    [ENV.breakerBounceRate]: rate,
    [ENV.breakerComplaintRate]: rate,
  })
  .loose()
  .transform((env, context) => {
    const missing = Object.values(TABLES).filter((table) => !env[table.envKey]);
    for (const table of missing)
      context.addIssue({
        code: 'custom',
        path: [table.envKey],
        message: 'the physical table name is missing',
      });
    return missing.length > 0 ? z.NEVER : { ...env, tables: tableNamesFromEnv(textValues(env)) };
  });
export type LambdaEnv = z.infer<typeof LambdaEnv>;

function textValues(env: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : [])),
  );
}

/** Parses the environment once; a ConfigError names every bad variable, its value and what it must be. */
export function parseLambdaEnv(env: Record<string, string | undefined>): LambdaEnv {
  const result = LambdaEnv.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    return `  ${name}=${JSON.stringify(env[name] ?? null)}: ${issue.message}`;
  });
  throw new ConfigError(
    `the function's environment is invalid (the stack sets these; redeploy or fix the value):\n${lines.join('\n')}`,
    { cause: result.error },
  );
}
