import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { z } from 'zod';
import type { Log, OpsMetrics } from '../app/ports.ts';
import type { PlanShardMessage } from '../app/tick.ts';
import { DEFAULT_BREAKER } from '../core/tracking/reputation.ts';
import { ConfigError } from './config-error.ts';
import { createDocumentClient } from './dynamo-client.ts';
import { ENV, parseLambdaEnv } from './env-keys.ts';
import { EventBridgePublisher } from './event-publisher.ts';
import { powertoolsLog } from './powertools-log.ts';
import { createMetrics, powertoolsMetrics, publishMetrics } from './powertools-metrics.ts';
import { loadRuntimeProgram } from './runtime-program.ts';
import type { Wiring } from './runtime-wiring.ts';
import { SesEmailSender } from './ses-sender.ts';
import { loadSigningKeys, parseSigningKeys } from './signing-keys.ts';
import { processSqsBatch } from './sqs-batch.ts';
import { SqsMessageQueue } from './sqs-queue.ts';

// The one composition root of the Lambda functions. The environment is parsed once (LambdaEnv); SDK
// clients, the program, the signing keys and the SES sender are built once per execution environment
// and reused by every invocation. Handlers only pick their use case's dependencies (lambda-deps.ts).

function once<T>(make: () => T): () => T {
  let cell: { value: T } | undefined;
  return () => {
    cell ??= { value: make() };
    return cell.value;
  };
}

/** Like once, but a rejected promise is forgotten so the next invocation tries again. */
export function onceAsync<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** The function's environment, parsed on first use. */
export const lambdaEnv = once(() => parseLambdaEnv(process.env));

/** A setting the caller cannot do without, or a ConfigError naming it. */
export function requireSetting(key: (typeof ENV)[keyof typeof ENV]): string {
  const value = lambdaEnv()[key];
  if (typeof value !== 'string' || value === '')
    throw new ConfigError(`environment variable ${key} is not set; the stack sets it on the function`);
  return value;
}

const localCredentials = { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/** The SDK clients, with the emulator endpoints when the environment names them (tests, local runs). */
export const clients = once(() => {
  const env = lambdaEnv();
  const dynamodbEndpoint = env[ENV.dynamodbEndpoint];
  const sesEndpoint = env[ENV.sesEndpoint];
  return {
    db: createDocumentClient(dynamodbEndpoint ? { endpoint: dynamodbEndpoint } : {}),
    ses: new SESv2Client({
      ...(sesEndpoint ? { endpoint: sesEndpoint, ...localCredentials } : {}),
      maxAttempts: 2,
    }),
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    s3: new S3Client({}),
    secrets: new SecretsManagerClient({}),
  };
});

/** The bundled program (LOWTOUCH_PROGRAM_DIR), loaded once. */
export const runtimeProgram = onceAsync(() => loadRuntimeProgram(lambdaEnv()[ENV.programDir]));

/** The signing keys: LOWTOUCH_SIGNING_SECRET locally, else the Secrets Manager secret. */
export const signingKeys = onceAsync(async () => {
  const direct = lambdaEnv()[ENV.signingSecret];
  if (direct) return parseSigningKeys(direct);
  return loadSigningKeys(clients().secrets, requireSetting(ENV.signingSecretArn));
});

/** The one SES sender of the deployment (send-step and the CSM digest). */
export const sesSender = once(() => {
  const env = lambdaEnv();
  const fromName = env[ENV.fromName];
  const configurationSet = env[ENV.configurationSet];
  const identityArn = env[ENV.identityArn];
  return new SesEmailSender(clients().ses, {
    fromAddress: requireSetting(ENV.fromAddress),
    ...(fromName ? { fromName } : {}),
    ...(configurationSet ? { configurationSet } : {}),
    ...(identityArn ? { identityArn } : {}),
  });
});

/** The plan queue the tick fans out to. */
export const planQueue = once(
  () => new SqsMessageQueue<PlanShardMessage>(clients().sqs, requireSetting(ENV.planQueueUrl)),
);

/** The system clock. */
export const systemClock = { now: () => Date.now() };

/** One Lambda function's edge: its logger and metrics, middy, Powertools batch, and its wiring. */
export interface LambdaFunction {
  log: Log;
  metrics: OpsMetrics;
  /** The repositories' wiring (DynamoDB, the send queue, the usage bus), built once. */
  wiring: () => Wiring;
  /** middy with the logger's Lambda context and the metrics published after each invocation. */
  wrap<E, R>(fn: (event: E) => Promise<R>): middy.MiddyfiedHandler<E, R>;
  /** A handler of an SQS event through Powertools batch processing and the parser. */
  sqs<T>(
    source: string,
    schema: z.ZodType<T>,
    handle: (body: T) => Promise<unknown>,
    options?: { concurrency?: number },
  ): (event: SQSEvent) => Promise<SQSBatchResponse>;
}

/** The edge of the function named `service` (its logs carry that name). */
export function lambdaFunction(service: string): LambdaFunction {
  const logger = new Logger({ serviceName: service });
  const powertools = createMetrics();
  const log = powertoolsLog(logger);
  const metrics = powertoolsMetrics(powertools);
  const wiring = once((): Wiring => {
    const env = lambdaEnv();
    const sendQueueUrl = env[ENV.sendQueueUrl];
    const busName = env[ENV.usageBusName];
    return {
      db: clients().db,
      tables: env.tables,
      clock: systemClock,
      log,
      metrics,
      thresholds: {
        ...DEFAULT_BREAKER,
        bounceRate: env[ENV.breakerBounceRate] ?? DEFAULT_BREAKER.bounceRate,
        complaintRate: env[ENV.breakerComplaintRate] ?? DEFAULT_BREAKER.complaintRate,
      },
      // Functions without the queue or bus in their environment never reach these; fail loudly if they do.
      sendQueue: sendQueueUrl
        ? new SqsMessageQueue(clients().sqs, sendQueueUrl)
        : { send: async () => void requireSetting(ENV.sendQueueUrl) },
      publisher: busName
        ? new EventBridgePublisher(clients().eventBridge, busName)
        : { publish: async () => void requireSetting(ENV.usageBusName) },
    };
  });
  return {
    log,
    metrics,
    wiring,
    wrap: (fn) => middy(fn).use(injectLambdaContext(logger)).use(publishMetrics(powertools)),
    sqs:
      (source, schema, handle, options = {}) =>
      (event) =>
        processSqsBatch(event, { source, schema, handle, ...options }, { log, metrics }),
  };
}
