import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, contact } from '../../unit/app/support.ts';
import { handlerEnvironment, lambdaContext, schedulerInput } from './support.ts';

describe('nightly-health handler', () => {
  // No EventBridge emulator here: the bus client is replaced, and its calls are what we check.
  const bus = mockClient(EventBridgeClient);
  let env: Awaited<ReturnType<typeof handlerEnvironment>>;
  beforeAll(async () => {
    env = await handlerEnvironment();
  }, 60_000);
  afterAll(() => bus.restore());

  it('scores every account from the Scheduler invocation and stores its health and tier', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    await env.repos.accounts.put(account('a1'));
    await env.repos.contacts.put(contact('c1', 'a1'));
    const { handler } = await import('../../../functions/handlers/nightly-health.ts');

    const result = await handler(
      schedulerInput('nightly', new Date().toISOString()),
      lambdaContext('nightly-health'),
    );

    expect(result).toMatchObject({ accounts: 1 });
    const stored = await env.repos.accounts.get('a1');
    expect(stored?.health?.score).toEqual(expect.any(Number));
    expect(['high', 'low', 'tech']).toContain(stored?.tier);
  }, 180_000);
});
