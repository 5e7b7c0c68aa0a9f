import { describe, expect, it } from 'vitest';
import { InMemoryUsage } from '../../../functions/adapters/memory/repositories.ts';
import { SILENT_LOG } from '../../../functions/adapters/powertools-log.ts';
import { type IngestDeps, ingestUsage } from '../../../functions/app/ingest-usage.ts';
import { UsageEventEnvelope } from '../../../functions/core/tracking/usage-events.ts';
import { sendWorld, T0 } from './support.ts';

const DAY = 86_400_000;

function envelope(type: string, detail: Record<string, unknown>) {
  return UsageEventEnvelope.parse({
    id: `env-${Math.random()}`,
    'detail-type': type,
    source: 'lowtouch.usage',
    time: new Date(T0).toISOString(),
    detail: { contactId: 'c1', accountId: 'a1', ...detail },
  });
}

async function world() {
  const w = await sendWorld();
  const usage = new InMemoryUsage();
  const deps: IngestDeps = {
    clock: w.clock,
    usage,
    contacts: w.contacts,
    accounts: w.accounts,
    nps: w.state,
    metrics: w.metrics,
    log: SILENT_LOG,
    retentionDays: 400,
  };
  return { ...w, usage, deps };
}

describe('ingestUsage', () => {
  it('counts each event id once and rolls logins up over 7 and 30 days', async () => {
    const w = await world();
    const at = (daysAgo: number) => new Date(T0 - daysAgo * DAY).toISOString();
    const events = [
      envelope('login', { eventId: 'l1', at: at(0) }),
      envelope('login', { eventId: 'l1', at: at(0) }),
      envelope('login', { eventId: 'l2', at: at(3) }),
      envelope('login', { eventId: 'l3', at: at(20) }),
      envelope('login', { eventId: 'l4', at: at(40) }),
    ];
    const outcomes = [];
    for (const event of events) outcomes.push((await ingestUsage(event, w.deps)).outcome);
    expect(outcomes).toEqual(['counted', 'duplicate', 'counted', 'counted', 'counted']);
    const usage = (await w.contacts.get('c1'))?.contact.usage;
    expect(usage).toMatchObject({ logins7d: 2, logins30d: 3, lastLoginAt: at(0) });
  });

  it('keeps features with last-used dates, milestones and help visits', async () => {
    const w = await world();
    const at = new Date(T0 - DAY).toISOString();
    await ingestUsage(envelope('feature.used', { eventId: 'f1', at, feature: 'reports', count: 3 }), w.deps);
    await ingestUsage(
      envelope('feature.used', { eventId: 'f2', at: new Date(T0).toISOString(), feature: 'reports' }),
      w.deps,
    );
    await ingestUsage(envelope('help.visited', { eventId: 'h1', at }), w.deps);
    await ingestUsage(
      envelope('milestone.reached', { eventId: 'm1', at, milestone: 'firstProjectCreated' }),
      w.deps,
    );
    await ingestUsage(
      envelope('milestone.reached', {
        eventId: 'm2',
        at: new Date(T0).toISOString(),
        milestone: 'firstProjectCreated',
      }),
      w.deps,
    );
    const usage = (await w.contacts.get('c1'))?.contact.usage;
    expect(usage?.features.reports).toEqual({ count: 4, lastUsedAt: new Date(T0).toISOString() });
    expect(usage?.helpVisits30d).toBe(1);
    expect(usage?.milestones).toEqual({ firstProjectCreated: at });
  });

  it('stores NPS answers and the latest score on the account', async () => {
    const w = await world();
    await ingestUsage(
      envelope('nps.responded', { eventId: 'n1', at: new Date(T0).toISOString(), score: 4 }),
      w.deps,
    );
    expect(w.state.nps.get('n1')).toMatchObject({ score: 4, contactId: 'c1' });
    expect((await w.accounts.get('a1'))?.nps).toMatchObject({ score: 4 });
  });

  it('counts an event for an unknown contact instead of failing', async () => {
    const w = await world();
    const event = {
      ...envelope('login', { eventId: 'x', at: new Date(T0).toISOString() }),
      contactId: 'ghost',
    };
    expect(await ingestUsage(event, w.deps)).toEqual({ outcome: 'unknown-contact', contactId: 'ghost' });
    expect(w.metrics.total('UsageUnknownContact')).toBe(1);
  });

  it('rejects an envelope whose detail does not match its type', () => {
    const bad = UsageEventEnvelope.safeParse({
      id: 'e',
      'detail-type': 'nps.responded',
      source: 'lowtouch.usage',
      time: 'x',
      detail: { eventId: 'n', contactId: 'c1', accountId: 'a1', at: new Date(T0).toISOString(), score: 11 },
    });
    expect(bad.success).toBe(false);
  });
});
