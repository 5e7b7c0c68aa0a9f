import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { inject, vi } from 'vitest';
import {
  createDocumentClient,
  localTableNames,
  type TableNames,
} from '../../../functions/adapters/dynamo-client.ts';
import { ENV } from '../../../functions/adapters/env-keys.ts';
import { InProcessQueue } from '../../../functions/adapters/in-process-queue.ts';
import { createLocalTables } from '../../../functions/adapters/local-tables.ts';
import { InMemoryMetrics } from '../../../functions/adapters/memory/metrics.ts';
import { SILENT_LOG } from '../../../functions/adapters/powertools-log.ts';
import { repositories } from '../../../functions/adapters/runtime-wiring.ts';
import { TABLES } from '../../../functions/adapters/tables.ts';

// Handler tests set the environment the stack would set, on fresh tables in the integration emulators,
// then import the handler: its composition root parses that environment on first use.

export const SIGNING_SECRET = 'handler-test-signing-secret-0123456789abcdef';
export const ROOT = resolve(import.meta.dirname, '../../..');

/** Creates fresh tables and sets the function environment; returns the repositories to seed and read. */
export async function handlerEnvironment(extra: Record<string, string> = {}) {
  const dynamoEndpoint = inject('dynamoEndpoint');
  const sesEndpoint = inject('sesEndpoint');
  const tables: TableNames = localTableNames(`h-${randomUUID().slice(0, 8)}-`);
  await createLocalTables(
    new DynamoDBClient({
      endpoint: dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    tables,
  );
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_LOG_LEVEL: process.env.HANDLER_LOG_LEVEL ?? 'SILENT',
    [ENV.programDir]: ROOT,
    [ENV.dynamodbEndpoint]: dynamoEndpoint,
    [ENV.sesEndpoint]: sesEndpoint,
    [ENV.signingSecret]: SIGNING_SECRET,
    [ENV.fromAddress]: 'cs@handlers.example.com',
    [ENV.unsubscribeBaseUrl]: 'https://u.example.com/',
    [ENV.sendQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/send',
    [ENV.planQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/plan',
    [ENV.usageBusName]: 'lowtouch-usage',
    [ENV.exportBucket]: 'lowtouch-exports',
    ...extra,
  };
  for (const [id, spec] of Object.entries(TABLES)) env[spec.envKey] = tables[id as keyof TableNames];
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  const db = createDocumentClient({ endpoint: dynamoEndpoint });
  const wiring = {
    db,
    tables,
    clock: { now: () => Date.now() },
    log: SILENT_LOG,
    metrics: new InMemoryMetrics(),
    publisher: { publish: async () => {} },
    sendQueue: { send: async () => {} },
  };
  return { sesEndpoint, tables, repos: repositories(wiring) };
}

/** An SQS event as Lambda delivers it, one record per body (strings are sent as they are). */
export function sqsEvent(bodies: readonly unknown[]): SQSEvent {
  const queue = new InProcessQueue<unknown>({ name: 'handler-test', clock: { now: () => Date.now() } });
  for (const body of bodies) queue.sendRaw(typeof body === 'string' ? body : JSON.stringify(body));
  return { Records: queue.receive(bodies.length).map(({ receipt: _, ...record }) => record) };
}

/** The Lambda context a handler receives. */
export function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'test',
    // A cold start compiles the templates; on a busy machine that alone can take tens of seconds.
    getRemainingTimeInMillis: () => 900_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** An EventBridge Scheduler invocation's input, as the stack configures it. */
export function schedulerInput(job: string, time: string) {
  return { job, time, executionId: randomUUID() };
}

/** Collects the EMF metric lines the handler prints, summed by metric name. */
export function captureMetrics() {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('"_aws"')) lines.push(text);
    else process.stderr.write(text);
    return true;
  });
  return {
    restore: () => spy.mockRestore(),
    total(name: string): number {
      let sum = 0;
      for (const line of lines) {
        for (const part of line.split('\n')) {
          if (!part.trim()) continue;
          const emf: Record<string, unknown> = JSON.parse(part);
          const value = emf[name];
          if (typeof value === 'number') sum += value;
          else if (Array.isArray(value)) sum += value.reduce((a: number, b: number) => a + b, 0);
        }
      }
      return sum;
    },
    namespaces(): string[] {
      return lines.flatMap((line) => [...line.matchAll(/"Namespace":"([^"]+)"/g)].map((m) => m[1] ?? ''));
    },
  };
}
