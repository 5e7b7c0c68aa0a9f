import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Program } from '../core/program.ts';
import { type BreakerThresholds, DEFAULT_BREAKER } from '../core/reputation.ts';
import type { TemplateCatalog } from '../core/template-catalog.ts';
import type { SigningKey } from '../core/unsubscribe-token.ts';
import { ConfigError, createDocumentClient, type TableNames, tableNamesFromEnv } from './dynamo-client.ts';
import { ENV } from './env-keys.ts';
import { formatProgramErrors, loadProgramFromDir } from './program-files.ts';
import { loadSigningKeys, parseSigningKeys } from './signing-keys.ts';
import { loadTemplateBundle, loadTemplateCatalog } from './template-files.ts';

// Cold-start wiring shared by the Lambda handlers: configuration from the environment, SDK clients
// and the program, each created once per execution environment and reused by every invocation.

/** A required environment variable, or a ConfigError naming it. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value)
    throw new ConfigError(`environment variable ${name} is not set; the stack sets it on the function`);
  return value;
}

/** A numeric environment variable with a default; a ConfigError when present but not a number. */
export function numberEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value))
    throw new ConfigError(`environment variable ${name} is ${JSON.stringify(raw)}; expected a number`);
  return value;
}

function once<T>(make: () => T): () => T {
  let cell: { value: T } | undefined;
  return () => {
    cell ??= { value: make() };
    return cell.value;
  };
}

const endpoint = (key: string) => (process.env[key] ? { endpoint: process.env[key] } : {});
const localCredentials = (key: string) =>
  process.env[key] ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {};

export const documentClient = once<DynamoDBDocumentClient>(() =>
  createDocumentClient(
    process.env[ENV.dynamodbEndpoint] ? { endpoint: process.env[ENV.dynamodbEndpoint] } : {},
  ),
);
export const tableNames = once<TableNames>(() => tableNamesFromEnv());
export const sesClient = once(
  () =>
    new SESv2Client({ ...endpoint(ENV.sesEndpoint), ...localCredentials(ENV.sesEndpoint), maxAttempts: 2 }),
);
export const sqsClient = once(() => new SQSClient({}));
export const eventBridgeClient = once(() => new EventBridgeClient({}));
const secretsClient = once(() => new SecretsManagerClient({}));

/** The breaker thresholds from the environment, defaulting below SES's review levels. */
export function breakerThresholds(): BreakerThresholds {
  return {
    ...DEFAULT_BREAKER,
    bounceRate: numberEnv(ENV.breakerBounceRate, DEFAULT_BREAKER.bounceRate),
    complaintRate: numberEnv(ENV.breakerComplaintRate, DEFAULT_BREAKER.complaintRate),
  };
}

let programPromise: Promise<{ program: Program; catalog: TemplateCatalog }> | undefined;

/**
 * Loads the bundled campaigns and templates once per cold start from LOWTOUCH_PROGRAM_DIR
 * (campaigns/ and templates/, or a precompiled templates.json beside them).
 */
export function runtimeProgram(): Promise<{ program: Program; catalog: TemplateCatalog }> {
  programPromise ??= (async () => {
    const dir = requireEnv(ENV.programDir);
    const { program, errors } = await loadProgramFromDir({
      campaignsDir: join(dir, 'campaigns'),
      templatesDir: join(dir, 'templates'),
    });
    if (!program)
      throw new ConfigError(`the bundled program in ${dir} does not load:\n${formatProgramErrors(errors)}`);
    const bundle = join(dir, 'templates.json');
    const hasBundle = await access(bundle).then(
      () => true,
      () => false,
    );
    const catalog = hasBundle
      ? await loadTemplateBundle(bundle)
      : await loadTemplateCatalog(join(dir, 'templates'));
    return { program, catalog };
  })();
  programPromise.catch(() => {
    programPromise = undefined;
  });
  return programPromise;
}

let keysPromise: Promise<SigningKey[]> | undefined;

/** The unsubscribe signing keys: LOWTOUCH_SIGNING_SECRET locally, else the Secrets Manager secret. */
export function signingKeys(): Promise<SigningKey[]> {
  keysPromise ??= (async () => {
    const direct = process.env[ENV.signingSecret];
    if (direct) return parseSigningKeys(direct);
    return loadSigningKeys(secretsClient(), requireEnv(ENV.signingSecretArn));
  })();
  keysPromise.catch(() => {
    keysPromise = undefined;
  });
  return keysPromise;
}

/** The system clock. */
export const systemClock = { now: () => Date.now() };
