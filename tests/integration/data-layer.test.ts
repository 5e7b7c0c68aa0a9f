import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDocumentClient, localTableNames } from '../../functions/adapters/dynamo-client.ts';
import { DynamoCtaStore, DynamoKpiSource } from '../../functions/adapters/dynamo-kpi-source.ts';
import { createLocalTables } from '../../functions/adapters/local-tables.ts';
import { InMemoryMetrics } from '../../functions/adapters/memory/metrics.ts';
import { SILENT_LOG } from '../../functions/adapters/powertools-log.ts';
import { ingestDeps, repositories, type Wiring } from '../../functions/adapters/runtime-wiring.ts';
import { ingestUsage } from '../../functions/app/ingest-usage.ts';
import { Contact } from '../../functions/core/shared/domain.ts';
import { UsageEventEnvelope } from '../../functions/core/tracking/usage-events.ts';
import { T0 } from './harness.ts';

async function wiring(): Promise<Wiring> {
  const endpoint = inject('dynamoEndpoint');
  const tables = localTableNames(`dl-${randomUUID().slice(0, 8)}-`);
  await createLocalTables(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
    tables,
  );
  return {
    db: createDocumentClient({ endpoint }),
    tables,
    clock: { now: () => T0 },
    log: SILENT_LOG,
    metrics: new InMemoryMetrics(),
    publisher: { publish: async () => {} },
    sendQueue: { send: async () => {} },
  };
}

const usage = (type: string, eventId: string, extra: Record<string, unknown> = {}) =>
  UsageEventEnvelope.parse({
    id: randomUUID(),
    'detail-type': type,
    source: 'lowtouch.usage',
    time: new Date(T0).toISOString(),
    detail: {
      eventId,
      contactId: 'c1',
      accountId: 'a1',
      at: new Date(T0 - 3_600_000).toISOString(),
      ...extra,
    },
  });

describe('data layer on dynalite', () => {
  it('ingests usage once per event id, with rollups, without transactions', async () => {
    const w = await wiring();
    const repos = repositories(w);
    await repos.contacts.put(
      Contact.parse({
        id: 'c1',
        accountId: 'a1',
        email: 'c1@example.com',
        name: 'C',
        signedUpAt: '2026-11-01T00:00:00Z',
      }),
    );
    const deps = ingestDeps(w);
    const outcomes = await Promise.all([
      ingestUsage(usage('login', 'l1'), deps),
      ingestUsage(usage('login', 'l1'), deps),
      ingestUsage(usage('login', 'l2'), deps),
      ingestUsage(usage('feature.used', 'f1', { feature: 'reports', count: 2 }), deps),
      ingestUsage(usage('milestone.reached', 'm1', { milestone: 'firstProjectCreated' }), deps),
    ]);
    expect(outcomes.filter((o) => o.outcome === 'counted')).toHaveLength(4);
    const stored = await repos.contacts.get('c1');
    expect(stored?.contact.usage).toMatchObject({
      logins7d: 2,
      logins30d: 2,
      features: { reports: { count: 2 } },
      milestones: { firstProjectCreated: new Date(T0 - 3_600_000).toISOString() },
    });
    const days = await repos.usage.listDays('c1', '2026-11-01');
    expect(days).toEqual([
      {
        contactId: 'c1',
        accountId: 'a1',
        date: '2026-11-24',
        logins: 2,
        helpVisits: 0,
        features: { reports: 2 },
      },
    ]);
    const source = new DynamoKpiSource(w.db, w.tables);
    expect(await source.listDailyUsage('2026-11-24', '2026-11-24')).toHaveLength(1);
    expect((await source.listContacts()).map((c) => c.id)).toEqual(['c1']);
  });

  it('raises a CTA once per dedupe key', async () => {
    const w = await wiring();
    const store = new DynamoCtaStore(w.db, w.tables.ctas);
    const cta = {
      key: 'a1#renewal-due#2027-02-20',
      accountId: 'a1',
      type: 'renewal-due' as const,
      reason: 'renewal in 88 days',
      raisedAt: new Date(T0).toISOString(),
      facts: {},
    };
    expect([await store.raiseIfNew(cta), await store.raiseIfNew(cta)]).toEqual([true, false]);
  });

  it('keeps the breaker flag with single-item writes', async () => {
    const w = await wiring();
    const { state } = repositories(w);
    expect(await state.pause('complaint rate 0.2% above 0.05%', new Date(T0).toISOString())).toBe(true);
    expect(await state.pause('again', new Date(T0).toISOString())).toBe(false);
    expect(await state.get()).toMatchObject({ paused: true, reason: 'complaint rate 0.2% above 0.05%' });
    await state.resume(new Date(T0).toISOString());
    expect(await state.get()).toEqual({ paused: false });
  });
});
