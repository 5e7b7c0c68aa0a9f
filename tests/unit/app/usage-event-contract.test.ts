import { describe, expect, it } from 'vitest';
import { InMemoryUsage } from '../../../functions/adapters/memory/repositories.ts';
import { type IngestDeps, ingestUsage } from '../../../functions/app/ingest-usage.ts';
import type { Log } from '../../../functions/app/ports.ts';
import {
  USAGE_EVENT_FIELDS,
  UsageEventEnvelope,
  unknownUsageFields,
} from '../../../functions/core/tracking/usage-events.ts';
import { sendWorld, T0 } from './support.ts';

// The contract with event producers (docs/deploy.md, section 4): fields a type does not define are
// ignored and logged once; a defined field with a bad value refuses the whole event.

type Line = { level: 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> };

function capturingLog(): Log & { lines: Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
}

function raw(type: string, detail: Record<string, unknown>) {
  return {
    id: `env-${type}-${String(detail.eventId)}`,
    'detail-type': type,
    source: 'lowtouch.usage',
    time: new Date(T0).toISOString(),
    detail: { contactId: 'c1', accountId: 'a1', at: new Date(T0 - 60_000).toISOString(), ...detail },
  };
}

async function world() {
  const w = await sendWorld();
  const log = capturingLog();
  const deps: IngestDeps = {
    clock: w.clock,
    usage: new InMemoryUsage(),
    contacts: w.contacts,
    accounts: w.accounts,
    nps: w.state,
    metrics: w.metrics,
    log,
    retentionDays: 400,
  };
  return { ...w, log, deps };
}

describe('usage events with fields this version does not define', () => {
  it('are counted, with the extra fields dropped and named', async () => {
    const w = await world();
    const event = UsageEventEnvelope.parse(
      raw('feature.used', {
        eventId: 'f1',
        feature: 'reports',
        count: 2,
        plan: 'pro',
        ui: { theme: 'dark' },
      }),
    );
    expect(event).toEqual({
      type: 'feature.used',
      eventId: 'f1',
      contactId: 'c1',
      accountId: 'a1',
      at: new Date(T0 - 60_000).toISOString(),
      feature: 'reports',
      count: 2,
      ignoredFields: ['plan', 'ui'],
    });
    expect(await ingestUsage(event, w.deps)).toEqual({ outcome: 'counted', rollup: true });
    expect((await w.contacts.get('c1'))?.contact.usage.features.reports?.count).toBe(2);
  });

  it('are logged once per event type and field, not once per event', async () => {
    const w = await world();
    for (const [index, extra] of [{ plan: 'pro' }, { plan: 'pro' }, { plan: 'team', seats: 4 }].entries()) {
      await ingestUsage(UsageEventEnvelope.parse(raw('login', { eventId: `l${index}`, ...extra })), w.deps);
    }
    await ingestUsage(UsageEventEnvelope.parse(raw('help.visited', { eventId: 'h1', plan: 'pro' })), w.deps);
    const notes = w.log.lines.filter((line) => line.message.startsWith('usage event fields ignored'));
    expect(notes.map((line) => line.fields)).toEqual([
      { type: 'login', fields: ['plan'], eventId: 'l0' },
      { type: 'login', fields: ['seats'], eventId: 'l2' },
      { type: 'help.visited', fields: ['plan'], eventId: 'h1' },
    ]);
    expect(notes.every((line) => line.level === 'info')).toBe(true);
  });

  it('cannot smuggle a list of ignored fields in: a sent "ignoredFields" is itself ignored', () => {
    const event = UsageEventEnvelope.parse(raw('login', { eventId: 'l1', ignoredFields: ['nothing'] }));
    expect(event.ignoredFields).toEqual(['ignoredFields']);
  });

  it('leave an event without extras as it was, with no ignoredFields key', () => {
    const event = UsageEventEnvelope.parse(
      raw('milestone.reached', { eventId: 'm1', milestone: 'firstProject' }),
    );
    expect(event).not.toHaveProperty('ignoredFields');
  });
});

describe('usage events with a bad value in a defined field', () => {
  it.each([
    ['nps.responded', { eventId: 'n1', score: 11, mood: 'great' }, 'score'],
    ['feature.used', { eventId: 'f1', feature: '', plan: 'pro' }, 'feature'],
    ['feature.used', { eventId: 'f2', feature: 'reports', count: 0 }, 'count'],
    ['login', { eventId: '', plan: 'pro' }, 'eventId'],
    ['login', { eventId: 'l1', at: 'yesterday' }, 'at'],
  ])('%s %j is refused, naming the field', (type, detail, field) => {
    const result = UsageEventEnvelope.safeParse(raw(type, detail));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });

  it('an unknown detail-type is refused', () => {
    const result = UsageEventEnvelope.safeParse(raw('logout', { eventId: 'x' }));
    expect(result.success).toBe(false);
  });
});

describe('the documented fields', () => {
  it('are exactly the ones each type defines', () => {
    const base = ['eventId', 'contactId', 'accountId', 'at'];
    expect(Object.fromEntries(USAGE_EVENT_FIELDS)).toEqual({
      signup: base,
      login: base,
      'feature.used': [...base, 'feature', 'count'],
      'help.visited': [...base, 'article'],
      'nps.responded': [...base, 'score', 'comment'],
      'milestone.reached': [...base, 'milestone'],
    });
    expect(unknownUsageFields('login', { eventId: 'x', zeta: 1, alpha: 2 })).toEqual(['alpha', 'zeta']);
  });
});
