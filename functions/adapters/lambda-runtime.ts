import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Program } from '../core/campaign/program.ts';
import type { SigningKey } from '../core/sending/unsubscribe-token.ts';
import type { TemplateCatalog } from '../core/templates/catalog.ts';
import { type BreakerThresholds, DEFAULT_BREAKER } from '../core/tracking/reputation.ts';
import { ConfigError } from './config-error.ts';
import { createDocumentClient, type TableNames, tableNamesFromEnv } from './dynamo-client.ts';
import { ENV } from './env-keys.ts';
import { formatProgramErrors, loadProgramFromDir } from './program-files.ts';
import { loadSigningKeys, parseSigningKeys } from './signing-keys.ts';
import { loadTemplateBundle } from './template-bundle.ts';

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

// Held in a variable so the bundler cannot follow it: the MJML compiler stays out of every function
// bundle, which ships precompiled templates.json instead. Only a run from source (no bundle) loads it.
const TEMPLATE_COMPILER_MODULE = './template-files.ts';

async function fileExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Compiles the templates directory with MJML; reached only when no precompiled bundle is present. */
async function compileTemplatesDir(dir: string): Promise<TemplateCatalog> {
  let compiler: unknown;
  try {
    compiler = await import(TEMPLATE_COMPILER_MODULE);
  } catch (error) {
    throw new ConfigError(
      `no precompiled templates at ${join(dir, '..', 'templates.json')} and the MJML compiler is not bundled; synthesize again (npx cdk synth writes templates.json into every function bundle)`,
      { cause: error },
    );
  }
  if (!hasCatalogLoader(compiler)) {
    throw new ConfigError(
      `${TEMPLATE_COMPILER_MODULE} does not export loadTemplateCatalog; the build is broken`,
    );
  }
  return compiler.loadTemplateCatalog(dir);
}

function hasCatalogLoader(
  module: unknown,
): module is { loadTemplateCatalog: (dir: string) => Promise<TemplateCatalog> } {
  return (
    typeof module === 'object' &&
    module !== null &&
    'loadTemplateCatalog' in module &&
    typeof module.loadTemplateCatalog === 'function'
  );
}

/**
 * Loads the campaigns and templates of a program directory: the precompiled templates.json beside
 * campaigns/ when present (always, in a deployed function), else templates/ compiled with MJML (a
 * run from source).
 */
export async function loadRuntimeProgram(
  dir: string,
): Promise<{ program: Program; catalog: TemplateCatalog }> {
  const { program, errors } = await loadProgramFromDir({
    campaignsDir: join(dir, 'campaigns'),
    templatesDir: join(dir, 'templates'),
  });
  if (!program)
    throw new ConfigError(`the bundled program in ${dir} does not load:\n${formatProgramErrors(errors)}`);
  const bundle = join(dir, 'templates.json');
  const catalog = (await fileExists(bundle))
    ? await loadTemplateBundle(bundle)
    : await compileTemplatesDir(join(dir, 'templates'));
  return { program, catalog };
}

/** The program of LOWTOUCH_PROGRAM_DIR, loaded once per cold start (see {@link loadRuntimeProgram}). */
export function runtimeProgram(): Promise<{ program: Program; catalog: TemplateCatalog }> {
  programPromise ??= loadRuntimeProgram(requireEnv(ENV.programDir));
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
