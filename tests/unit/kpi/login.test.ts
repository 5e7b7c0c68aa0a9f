import { describe, expect, it } from 'vitest';
import { buildLoginIndex, loginKpis } from '../../../functions/core/kpi/login.ts';
import { twoProportionZTest } from '../../../functions/core/kpi/stats.ts';
import { send, usage } from './helpers/fixtures.ts';

const RANGE = { from: '2026-11-01', to: '2026-11-30' };
const D = '2026-11-10T09:00:00Z';
const holdout = (contactId: string, claimedAt = D) =>
  send({ contactId, claimedAt, status: 'skipped', reason: 'holdout', sentAt: undefined });

// Four recipients and four holdout contacts exposed on 2026-11-10 (the window is 11-10 … 11-16).
const sends = [
  send({ contactId: 't1', claimedAt: D }),
  send({ contactId: 't2', claimedAt: D }),
  send({ contactId: 't3', claimedAt: D }),
  send({ contactId: 't4', claimedAt: D }),
  holdout('h1'),
  holdout('h2'),
  holdout('h3'),
  holdout('h4'),
  // t1 also gets a second step two days later: the campaign row counts t1 once, from its first touch.
  send({ contactId: 't1', claimedAt: '2026-11-12T09:00:00Z', stepId: 'second' }),
  // Sent on 11-25: its 7-day window ends 12-01, after the last complete usage day, so it is left out.
  send({ contactId: 't5', claimedAt: '2026-11-25T09:00:00Z' }),
  // Test sends never count.
  send({ contactId: 't6', claimedAt: D, test: true }),
];
const rows = [
  usage('t1', '2026-11-05', 2), // before the send
  usage('t1', '2026-11-10', 1), // send day counts
  usage('t2', '2026-11-16', 1), // day 7 of the window counts
  usage('t3', '2026-11-17', 1), // day 8: outside the 7-day window, inside the 14-day one
  usage('h1', '2026-11-12', 1),
  usage('t5', '2026-11-26', 3),
  usage('t6', '2026-11-11', 1),
];

describe('login KPIs', () => {
  const result = loginKpis(sends, rows, { range: RANGE, dataThrough: '2026-11-30' });
  const byStep = new Map(result.map((r) => [r.step_id, r]));

  it('compares the 7-day login share of recipients with the holdout of the same step', () => {
    const welcome = byStep.get('welcome');
    expect(welcome).toMatchObject({
      campaign_id: 'onboarding',
      recipients: 4,
      recipients_logged_in: 2,
      recipient_login_rate: 0.5,
      holdout: 4,
      holdout_logged_in: 1,
      holdout_login_rate: 0.25,
    });
    expect(welcome?.login_lift_pts).toBeCloseTo(25, 10);
    const expected = twoProportionZTest(2, 4, 1, 4);
    expect(welcome?.z_score).toBeCloseTo(expected.z ?? Number.NaN, 12);
    expect(welcome?.p_value).toBeCloseTo(0.4652088, 6);
  });

  it('averages logins over the 14 days before and after the send', () => {
    const welcome = byStep.get('welcome');
    expect(welcome).toMatchObject({
      recipients_14d: 4,
      avg_logins_before_14d: 0.5, // t1: 2 logins on 11-05
      avg_logins_after_14d: 0.75, // t1, t2, t3: one each
      holdout_14d: 4,
      holdout_avg_logins_before_14d: 0,
      holdout_avg_logins_after_14d: 0.25,
    });
  });

  it('adds a campaign row counting each contact once from its first touch', () => {
    const all = byStep.get('*');
    expect(all).toMatchObject({ recipients: 4, recipients_logged_in: 2, holdout: 4, holdout_logged_in: 1 });
    expect(result[0]?.step_id).toBe('*');
  });

  it('gives nulls, not NaN, when a step has no holdout or no closed window', () => {
    const second = byStep.get('second');
    expect(second).toMatchObject({
      recipients: 1,
      recipients_logged_in: 0,
      recipient_login_rate: 0,
      holdout: 0,
      holdout_login_rate: null,
      login_lift_pts: null,
      z_score: null,
      p_value: null,
      holdout_avg_logins_after_14d: null,
    });
    const early = loginKpis(sends, rows, { range: RANGE, dataThrough: '2026-11-12' });
    expect(early.find((r) => r.step_id === 'welcome')).toMatchObject({
      recipients: 0,
      recipient_login_rate: null,
      holdout: 0,
      p_value: null,
      recipients_14d: 0,
      avg_logins_after_14d: null,
    });
  });

  it('excludes sends outside the range', () => {
    const none = loginKpis(sends, rows, {
      range: { from: '2026-11-11', to: '2026-11-20' },
      dataThrough: '2026-11-30',
    });
    expect(none.map((r) => r.step_id)).toEqual(['*', 'second']);
  });

  it('sums logins per contact over inclusive day windows', () => {
    const index = buildLoginIndex([
      usage('a', '2026-11-01', 2),
      usage('a', '2026-11-03', 1),
      usage('a', '2026-11-03', 1),
    ]);
    expect(index.sum('a', '2026-11-01', '2026-11-03')).toBe(4);
    expect(index.sum('a', '2026-11-02', '2026-11-02')).toBe(0);
    expect(index.sum('nobody', '2026-11-01', '2026-11-30')).toBe(0);
  });
});
