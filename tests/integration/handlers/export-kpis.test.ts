import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, claimedSend, contact } from '../../unit/app/support.ts';
import { handlerEnvironment, lambdaContext, schedulerInput } from './support.ts';

describe('export-kpis handler', () => {
  // No S3 emulator here: the bucket's client is replaced, and the objects it was given are checked.
  const s3 = mockClient(S3Client);
  let env: Awaited<ReturnType<typeof handlerEnvironment>>;
  beforeAll(async () => {
    env = await handlerEnvironment();
  }, 60_000);
  afterAll(() => s3.restore());

  it('writes the CSV, JSON and HTML report of the last 30 days to the export bucket, without addresses', async () => {
    s3.on(PutObjectCommand).resolves({});
    await env.repos.accounts.put(account('a1'));
    await env.repos.contacts.put(contact('c1', 'a1'));
    const at = new Date(Date.now() - 86_400_000).toISOString();
    await env.repos.sends.claim(
      claimedSend('onboarding#welcome#c1', 'c1', {
        status: 'sent',
        claimedAt: at,
        sentAt: at,
        updatedAt: at,
      }),
    );
    const { handler } = await import('../../../functions/handlers/export-kpis.ts');

    const result = await handler(
      schedulerInput('export', new Date().toISOString()),
      lambdaContext('export-kpis'),
    );

    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts.map((put) => put.Key)).toEqual(result.keys);
    expect(puts.every((put) => put.Bucket === 'lowtouch-exports')).toBe(true);
    expect(result.keys.some((key) => key.endsWith('/report.html'))).toBe(true);
    expect(result.keys.some((key) => key.endsWith('.csv'))).toBe(true);
    expect(puts.some((put) => String(put.Body).includes('c1@example.com'))).toBe(false);
  }, 180_000);
});
