import { describe, expect, it } from 'vitest';
import { compareKeys, emailKpis, stepRateSeries } from '../../../functions/core/kpi/email.ts';
import { twoProportionZTest } from '../../../functions/core/kpi/stats.ts';
import { send } from './helpers/fixtures.ts';

// Grouping keys that only differ in where one id ends, records SES reported on after the outcome was
// lost, and empty comparison groups: cases where a wrong KPI would still look plausible.

const RANGE = { from: '2026-11-01', to: '2026-11-30' };
const at = '2026-11-02T10:00:00Z';
const later = '2026-11-02T12:00:00Z';

describe('email KPI edges', () => {
  it('keeps campaign and step ids apart even when their concatenations are equal', () => {
    const rows = emailKpis(
      [
        send({ contactId: 'c1', campaignId: 'ab', stepId: 'c', claimedAt: at, deliveredAt: later }),
        send({ contactId: 'c2', campaignId: 'a', stepId: 'bc', claimedAt: at, deliveredAt: later }),
      ],
      RANGE,
    );
    expect(rows.map((r) => [r.campaign_id, r.step_id, r.sent])).toEqual([
      ['a', 'bc', 1],
      ['ab', 'c', 1],
    ]);
    const points = stepRateSeries(rows);
    expect(points.map((p) => [p.campaignId, p.stepId, p.delivered])).toEqual([
      ['a', 'bc', 1],
      ['ab', 'c', 1],
    ]);
  });

  it('counts a send SES reported a bounce for, even when its outcome record was lost', () => {
    const [row] = emailKpis(
      [send({ contactId: 'c1', claimedAt: at, status: 'unknown', sentAt: undefined, bouncedAt: later })],
      RANGE,
    );
    expect(row).toMatchObject({ sent: 1, bounced: 1, bounce_rate: 1 });
  });

  it('excludes only skipped holdout records; other skips count as skipped', () => {
    const [row] = emailKpis(
      [
        send({
          contactId: 'c1',
          claimedAt: at,
          status: 'skipped',
          reason: 'unsubscribed',
          sentAt: undefined,
        }),
        send({ contactId: 'c1b', claimedAt: at, status: 'skipped', reason: 'suppressed', sentAt: undefined }),
        send({ contactId: 'c2', claimedAt: at, status: 'skipped', reason: 'holdout', sentAt: undefined }),
        send({ contactId: 'c3', claimedAt: at, status: 'failed', reason: 'holdout', sentAt: undefined }),
      ],
      RANGE,
    );
    expect(row).toMatchObject({ sent: 0, skipped: 2, failed: 1 });
  });

  it('sums clicks and opens over variants in the trend series, ordered by campaign, step and day', () => {
    const rows = emailKpis(
      [
        send({
          contactId: 'c1',
          stepId: 's2',
          variantId: 'a',
          claimedAt: at,
          deliveredAt: later,
          firstClickAt: later,
        }),
        send({
          contactId: 'c2',
          stepId: 's2',
          variantId: 'b',
          claimedAt: at,
          deliveredAt: later,
          firstClickAt: later,
        }),
        send({
          contactId: 'c3',
          stepId: 's2',
          variantId: 'b',
          claimedAt: at,
          deliveredAt: later,
          firstOpenAt: later,
        }),
        send({
          contactId: 'c4',
          stepId: 's1',
          variantId: 'a',
          claimedAt: '2026-11-03T10:00:00Z',
          deliveredAt: later,
        }),
        send({ contactId: 'c5', stepId: 's1', variantId: 'a', claimedAt: at, deliveredAt: later }),
      ],
      RANGE,
    );
    const points = stepRateSeries(rows);
    expect(points.map((p) => [p.stepId, p.day, p.delivered, p.openRate, p.clickRate])).toEqual([
      ['s1', '2026-11-02', 1, 0, 0],
      ['s1', '2026-11-03', 1, 0, 0],
      ['s2', '2026-11-02', 3, 1 / 3, 2 / 3],
    ]);
  });

  it('orders keys element by element, a shorter prefix first', () => {
    expect(compareKeys(['a'], ['a', 'b'])).toBe(-1);
    expect(compareKeys(['a', 'b'], ['a'])).toBe(1);
    expect(compareKeys(['b'], ['a', 'z'])).toBe(1);
    expect(compareKeys(['a', 'b'], ['a', 'b'])).toBe(0);
  });
});

describe('two-proportion test edges', () => {
  it('is undefined when only the first group is empty', () => {
    expect(twoProportionZTest(0, 0, 5, 10)).toEqual({ z: null, pValue: null });
  });
});
