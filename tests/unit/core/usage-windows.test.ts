import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFieldTable } from '../../../functions/core/campaign/fields.ts';
import { prepareAccount, subjectOf } from '../../../functions/core/campaign/subject.ts';
import type { DailyUsage, UsageRollup } from '../../../functions/core/shared/domain.ts';
import { DAY_MS } from '../../../functions/core/shared/duration.ts';
import { rollupUsage } from '../../../functions/core/tracking/usage-events.ts';
import { account, contact } from './fixtures.ts';

const FEATURES = ['reports', 'tasks', 'automations', 'dashboards', 'guest-access', 'projects'];
const NOW = Date.parse('2026-12-01T15:00:00Z');
const TODAY = Date.parse('2026-12-01T00:00:00Z');
const fields = buildFieldTable({ features: FEATURES, milestones: [] });
const dayOf = (offset: number) => new Date(TODAY - offset * DAY_MS).toISOString().slice(0, 10);

function field(path: string, usage: UsageRollup): unknown {
  const def = fields.get(path);
  if (!def) throw new Error(`no field ${path}`);
  return def.get(subjectOf(prepareAccount(account()), contact({ usage }), NOW));
}

const day = fc.record({
  offset: fc.integer({ min: 0, max: 59 }),
  features: fc.dictionary(fc.constantFrom(...FEATURES), fc.integer({ min: 0, max: 5 })),
});
const previous = fc.uniqueArray(fc.constantFrom(...FEATURES), { maxLength: 6 });

describe('usage windows', () => {
  it('featuresUsed counts the distinct features used in the last 30 days, featuresUsedEver all of them (property)', () => {
    fc.assert(
      fc.property(fc.array(day, { maxLength: 40 }), previous, (drawn, known) => {
        // one row per day, as the usage table keeps them
        const rows = new Map<string, DailyUsage>();
        for (const d of drawn)
          rows.set(dayOf(d.offset), {
            contactId: 'c-1',
            accountId: 'acc-1',
            date: dayOf(d.offset),
            logins: 0,
            helpVisits: 0,
            features: d.features,
          });
        const prior: UsageRollup = {
          logins7d: 0,
          logins30d: 0,
          helpVisits30d: 0,
          features: Object.fromEntries(
            known.map((f) => [f, { count: 3, lastUsedAt: '2026-02-01T00:00:00.000Z' }]),
          ),
          milestones: {},
        };
        const usage = rollupUsage(prior, [...rows.values()], undefined, NOW);

        // brute force, straight from the daily rows
        const from = dayOf(29);
        const recent = new Set<string>();
        for (const row of rows.values())
          if (row.date >= from)
            for (const [feature, n] of Object.entries(row.features)) if (n > 0) recent.add(feature);
        const ever = new Set([...known, ...recent]);
        expect(field('usage.featuresUsed', usage)).toBe(recent.size);
        expect(field('usage.featuresUsedEver', usage)).toBe(ever.size);
      }),
    );
  });

  it('does not count four features last used nine months ago as used now', () => {
    const old = { count: 12, lastUsedAt: '2026-03-01T00:00:00.000Z' };
    const prior: UsageRollup = {
      logins7d: 0,
      logins30d: 0,
      helpVisits30d: 0,
      features: { reports: old, tasks: old, automations: old, dashboards: old },
      milestones: {},
    };
    const usage = rollupUsage(prior, [], undefined, NOW);
    expect(field('usage.featuresUsed', usage)).toBe(0);
    expect(field('usage.featuresUsedEver', usage)).toBe(4);
    expect(usage.features.reports?.lastUsedAt).toBe('2026-03-01T00:00:00.000Z');
  });
});
