import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, contact } from '../../unit/app/support.ts';
import { captureMetrics, handlerEnvironment, lambdaContext, sqsEvent } from './support.ts';

const usageEvent = (type: string, contactId: string, at: string) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': type,
  source: 'lowtouch.usage',
  account: '000000000000',
  time: at,
  region: 'us-east-1',
  resources: [],
  detail: { eventId: randomUUID(), contactId, accountId: 'a1', at },
});

describe('ingest-usage handler', () => {
  let env: Awaited<ReturnType<typeof handlerEnvironment>>;
  const metrics = captureMetrics();
  beforeAll(async () => {
    env = await handlerEnvironment();
  }, 60_000);
  afterAll(() => metrics.restore());

  it('counts usage events from the custom bus into the contact rollup; unknown contacts are counted', async () => {
    await env.repos.accounts.put(account('a1'));
    await env.repos.contacts.put(contact('c1', 'a1'));
    const { handler } = await import('../../../functions/handlers/ingest-usage.ts');
    const at = new Date(Date.now() - 3_600_000).toISOString();

    const event = sqsEvent([usageEvent('login', 'c1', at), usageEvent('login', 'nobody', at), 'not json']);
    const result = await handler(event, lambdaContext('ingest-usage'));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[2]?.messageId }] });
    const stored = await env.repos.contacts.get('c1');
    expect(stored?.contact.usage).toMatchObject({ logins7d: 1, logins30d: 1 });
    expect(metrics.total('UsageUnknownContact')).toBe(1);
    expect(metrics.total('MalformedRecords')).toBe(1);
  }, 120_000);
});
