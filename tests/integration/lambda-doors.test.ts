import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, LambdaFunctionURLEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient, localTableNames } from '../../functions/adapters/dynamo-client.ts';
import { ENV } from '../../functions/adapters/env-keys.ts';
import { createLocalTables } from '../../functions/adapters/local-tables.ts';
import { InMemoryMetrics } from '../../functions/adapters/memory/metrics.ts';
import { InMemoryPublisher } from '../../functions/adapters/memory/publisher.ts';
import { SILENT_LOG } from '../../functions/adapters/powertools-log.ts';
import { repositories } from '../../functions/adapters/runtime-wiring.ts';
import { TABLES } from '../../functions/adapters/tables.ts';
import { signUnsubscribeToken } from '../../functions/core/sending/unsubscribe-token.ts';
import { Account, Contact } from '../../functions/core/shared/domain.ts';

// The deployed Lambda handlers themselves (functions/handlers/*), called with real-shaped events, on
// tables of the dynalite emulator: what a hostile or odd request does at the real door.

const SECRET = 'lambda-doors-test-signing-key-0123456789';
const BASE_URL = 'https://unsubscribe.tsumiki.example/u';
const run = randomUUID().slice(0, 8);
const tables = localTableNames(`doors-${run}-`);
const HEAVY = 180_000;

const context = {
  functionName: 'lowtouch-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:lowtouch-test',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/lowtouch-test',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} satisfies Context;

let repos: ReturnType<typeof repositories>;

beforeAll(async () => {
  const endpoint = inject('dynamoEndpoint');
  const raw = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createLocalTables(raw, tables);
  for (const [id, spec] of Object.entries(TABLES))
    process.env[spec.envKey] = tables[id as keyof typeof tables];
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    [ENV.dynamodbEndpoint]: endpoint,
    [ENV.signingSecret]: SECRET,
    [ENV.unsubscribeBaseUrl]: BASE_URL,
    [ENV.programDir]: process.cwd(),
  });
  repos = repositories({
    db: createDocumentClient({ endpoint }),
    tables,
    clock: { now: () => Date.now() },
    log: SILENT_LOG,
    metrics: new InMemoryMetrics(),
    publisher: new InMemoryPublisher(),
    sendQueue: { send: async () => {} },
  });
  await repos.accounts.put(
    Account.parse({
      id: 'acc-1',
      name: 'Acme',
      plan: 'business',
      status: 'active',
      currency: 'JPY',
      arr: 1_200_000,
      mrr: 100_000,
      startedAt: '2025-01-01T00:00:00Z',
    }),
  );
  await repos.accounts.put(
    Account.parse({
      id: 'acc-2',
      name: 'Other',
      plan: 'business',
      status: 'active',
      currency: 'JPY',
      arr: 1_200_000,
      mrr: 100_000,
      startedAt: '2025-01-01T00:00:00Z',
    }),
  );
  await repos.contacts.put(
    Contact.parse({
      id: 'c-1',
      accountId: 'acc-1',
      email: 'c1@tsumiki-customer.example',
      name: 'Aiko',
      locale: 'en',
      signedUpAt: '2025-02-01T00:00:00Z',
    }),
  );
}, HEAVY);

function urlEvent(rawPath: string, query: Record<string, string>, method = 'GET'): LambdaFunctionURLEvent {
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { host: 'abc123.lambda-url.us-east-1.on.aws', 'user-agent': 'test' },
    queryStringParameters: query,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Dec/2026:07:00:00 +0000',
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
}

/** Every URL a page carries in an attribute, decoded from HTML. */
function urlsOf(html: string): string[] {
  return [...html.matchAll(/\b(?:href|action|src)\s*=\s*"([^"]*)"/gi)].map((m) =>
    (m[1] ?? '').replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))),
  );
}

describe('the unsubscribe Function URL, through its real handler', () => {
  const odd = [
    '//evil.example/phish',
    '/\\evil.example',
    '/\\\\evil.example/phish',
    '%2F%2Fevil.example',
    '/%2F%2Fevil.example/phish',
    '/%5C%5Cevil.example',
    '///evil.example/',
    '/..//evil.example/x',
    '/https://evil.example/',
    '//evil.example/preferences',
  ];

  it.each(odd)(
    'GET %s with a valid token emits only URLs of the configured base, never the request host or path',
    async (rawPath) => {
      const { handler } = await import('../../functions/handlers/unsubscribe.ts');
      const token = signUnsubscribeToken(
        { contactId: 'c-1', topic: 'product-updates', issuedAt: Date.now() },
        { id: 'k1', secret: SECRET },
      );
      const response = await handler(
        urlEvent(rawPath, { token, s: 'feature-release#announce#c-1' }),
        context,
      );
      if (typeof response === 'string') throw new Error('the handler answered a bare string');
      const body = response.body ?? '';
      expect(body).not.toMatch(/evil/i);
      expect(JSON.stringify(response.headers ?? {})).not.toMatch(/evil/i);
      for (const url of urlsOf(body)) {
        const resolved = new URL(
          url,
          `https://abc123.lambda-url.us-east-1.on.aws${rawPath.startsWith('/') ? '' : '/'}`,
        );
        expect(
          resolved.origin === new URL(BASE_URL).origin ||
            resolved.host === 'abc123.lambda-url.us-east-1.on.aws',
          `${url} leaves the configured host`,
        ).toBe(true);
        // A path-relative or request-derived URL would carry the odd path; configured ones never do.
        expect(url.startsWith(BASE_URL) || url.startsWith('https://')).toBe(true);
      }
      if (!rawPath.endsWith('preferences')) {
        // the confirmation page: its one form posts the token to the configured URL
        expect(response.statusCode).toBe(200);
        const action = /<form[^>]*\baction="([^"]*)"/.exec(body)?.[1]?.replaceAll('&#38;', '&') ?? '';
        expect(action.startsWith(`${BASE_URL}?`)).toBe(true);
        expect(new URL(action).searchParams.get('token')).toBe(token);
      }
    },
    HEAVY,
  );
});

function sqsRecord(id: string, body: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:lowtouch-usage',
    awsRegion: 'us-east-1',
  };
}

function usageEnvelope(eventId: string, detail: Record<string, unknown>, type = 'login'): string {
  return JSON.stringify({
    version: '0',
    id: `eb-${eventId}`,
    'detail-type': type,
    source: 'lowtouch.usage',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: { eventId, contactId: 'c-1', accountId: 'acc-1', at: new Date().toISOString(), ...detail },
  });
}

describe('the usage ingest Lambda, through its real handler', () => {
  it(
    'refuses an event dated a year ahead and one naming another account, keeps the day as it was, and processes the rest',
    async () => {
      const { handler } = await import('../../functions/handlers/ingest-usage.ts');
      const today = new Date().toISOString().slice(0, 10);
      const yearAhead = new Date(Date.now() + 365 * 86_400_000).toISOString();
      const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      const event: SQSEvent = {
        Records: [
          sqsRecord('good-1', usageEnvelope('e-good-1', {})),
          sqsRecord('future', usageEnvelope('e-future', { at: yearAhead })),
          sqsRecord('other-account', usageEnvelope('e-other', { accountId: 'acc-2' })),
          sqsRecord('deep', deep),
          sqsRecord('binary', '\u0000\u0001\u0002\uFFFD{"id":'),
          sqsRecord('good-2', usageEnvelope('e-good-2', { feature: 'reports' }, 'feature.used')),
        ],
      };
      const result = await handler(event, context);
      const failed = (result?.batchItemFailures ?? []).map((f) => f.itemIdentifier).sort();
      // unreadable records go back to the queue (and on to the DLQ); refused facts are dropped with a log
      expect(failed).toEqual(['binary', 'deep']);
      const days = await repos.usage.listDays('c-1', today);
      expect(days.map((d) => d.date)).toEqual([today]);
      expect(days[0]).toMatchObject({ accountId: 'acc-1', logins: 1, features: { reports: 1 } });
      const future = await repos.usage.listDays('c-1', yearAhead.slice(0, 10));
      expect(future).toEqual([]);
    },
    HEAVY,
  );
});
