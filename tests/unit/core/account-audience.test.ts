import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountUsageOf } from '../../../functions/core/accounts/account-usage.ts';
import { addDays } from '../../../functions/core/kpi/dates.ts';
import type { Contact, DailyUsage } from '../../../functions/core/shared/domain.ts';
import { account, contact, programOf } from './fixtures.ts';
import { planOnce } from './planner-helpers.ts';

const THROUGH = '2026-12-10';
const NOW = Date.parse('2026-12-11T01:00:00Z'); // Friday 10:00 in Tokyo

describe('account usage rollups', () => {
  const row = fc.record({
    contactId: fc.constantFrom('c-1', 'c-2', 'c-3', 'c-4'),
    accountId: fc.constantFrom('acc-1', 'acc-2'),
    date: fc.integer({ min: -75, max: 3 }).map((d) => addDays(THROUGH, d)),
    logins: fc.integer({ min: 0, max: 5 }),
    helpVisits: fc.constant(0),
    features: fc.dictionary(fc.constantFrom('reports', 'tasks', 'projects'), fc.integer({ min: 0, max: 3 })),
  });

  it('matches a brute-force recount from the daily rows (property)', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), fc.integer({ min: 0, max: 6 }), (rows, seats) => {
        const got = accountUsageOf('acc-1', seats, [], rows, THROUGH);
        const mine = rows.filter((r) => r.accountId === 'acc-1');
        const days = (from: number, to: number) =>
          mine.filter((r) => r.date >= addDays(THROUGH, from) && r.date <= addDays(THROUGH, to));
        const sum = (rs: DailyUsage[]) => rs.reduce((n, r) => n + r.logins, 0);
        const last30 = days(-29, 0);
        const previous = sum(days(-59, -30));
        const active = new Set(last30.filter((r) => r.logins > 0).map((r) => r.contactId)).size;
        const breadth = new Set(
          last30.flatMap((r) =>
            Object.entries(r.features)
              .filter(([, n]) => n > 0)
              .map(([f]) => f),
          ),
        ).size;
        expect(got.logins7d).toBe(sum(days(-6, 0)));
        expect(got.logins30d).toBe(sum(last30));
        expect(got.loginsPrevious30d).toBe(previous);
        expect(got.activeContacts30d).toBe(active);
        expect(got.activeSeatShare).toBe(seats > 0 ? active / seats : null);
        expect(got.featureBreadth30d).toBe(breadth);
        expect(got.loginTrend30d).toBe(previous > 0 ? (sum(last30) - previous) / previous : null);
      }),
      { numRuns: 300, seed: 30 },
    );
  });

  it('lets a segment say "the account\'s logins fell by half against the previous 30 days"', () => {
    const program = programOf({
      'segments.yaml': `segments:
  - { id: declining, when: { account.loginTrend30d: { lte: -0.5 } } }
`,
      'save.yaml': `
id: save
kind: alert
topic: tips
audience: { segment: declining }
steps:
  - { id: s1, after: 0d, template: t/a }
`,
    });
    const usage = (logins30d: number, loginsPrevious30d: number) => ({
      through: THROUGH,
      logins7d: 0,
      logins30d,
      loginsPrevious30d,
      activeContacts30d: 1,
      activeSeatShare: 0.1,
      featureBreadth30d: 1,
      loginTrend30d: (logins30d - loginsPrevious30d) / loginsPrevious30d,
      members: [],
    });
    expect(planOnce(program, account({ usage: usage(40, 100) }), contact(), NOW).map((d) => d.type)).toEqual([
      'enroll',
      'send',
    ]);
    expect(planOnce(program, account({ usage: usage(60, 100) }), contact(), NOW)).toEqual([]);
  });
});

describe('perAccount: one contact per account', () => {
  const campaign = (extra: string) => `
id: trial
kind: onboarding
topic: tips
audience: { tiers: [high, low, tech] }
steps:
  - { id: offer, after: 0d, template: t/a, perAccount: one${extra} }
`;
  const five: Contact[] = ['c-1', 'c-2', 'c-3', 'c-4', 'c-5'].map((id, i) =>
    contact({
      id,
      email: `${id}@example.com`,
      role: i === 3 ? 'owner' : 'admin',
      signedUpAt: `2026-11-0${i + 1}T00:00:00Z`,
      unsubscribedAll: i === 0,
    }),
  );
  const withMembers = account({ usage: accountUsageOf('acc-1', 5, five, [], THROUGH) });

  function sendsFor(program: ReturnType<typeof programOf>, acc = withMembers) {
    return five.flatMap((c) => planOnce(program, acc, c, NOW).filter((d) => d.type === 'send'));
  }

  it('sends to the first reachable admin only, under one per-account send id', () => {
    const sends = sendsFor(programOf({ 'trial.yaml': campaign('') }));
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ stepId: 'offer', sendId: 'trial#offer#account:acc-1' });
    const others = planOnce(programOf({ 'trial.yaml': campaign('') }), withMembers, five[2] as Contact, NOW);
    expect(others).toContainEqual(
      expect.objectContaining({ type: 'skip', reason: 'other-contact-chosen', final: true }),
    );
  });

  it('follows rolePriority: the owner first', () => {
    const program = programOf({ 'trial.yaml': campaign(', rolePriority: [owner, admin]') });
    const planned = five.map((c) => planOnce(program, withMembers, c, NOW).some((d) => d.type === 'send'));
    expect(planned).toEqual([false, false, false, true, false]);
  });

  it('before the first nightly rollup, every contact shares the one per-account claim', () => {
    const sends = sendsFor(programOf({ 'trial.yaml': campaign('') }), account());
    expect(new Set(sends.map((s) => (s.type === 'send' ? s.sendId : '')))).toEqual(
      new Set(['trial#offer#account:acc-1']),
    );
  });
});
