import { describe, expect, it } from 'vitest';
import { emailKpis, stepRateSeries } from '../../../functions/core/kpi/email.ts';
import { send } from './helpers/fixtures.ts';

const RANGE = { from: '2026-11-01', to: '2026-11-30' };
const at = '2026-11-02T10:00:00Z';
const later = '2026-11-02T12:00:00Z';

describe('email KPIs', () => {
  // Nine records on one day; holdout and test records must not count.
  const sends = [
    send({
      contactId: 'c1',
      claimedAt: at,
      deliveredAt: later,
      firstOpenAt: later,
      firstClickAt: later,
      firstMachineOpenAt: later,
    }),
    send({ contactId: 'c2', claimedAt: at, deliveredAt: later, firstMachineOpenAt: later }),
    send({ contactId: 'c3', claimedAt: at, bouncedAt: later, bounceType: 'Permanent' }),
    send({
      contactId: 'c4',
      claimedAt: at,
      deliveredAt: later,
      firstOpenAt: later,
      unsubscribedAt: later,
      complainedAt: later,
    }),
    send({ contactId: 'c5', claimedAt: at, status: 'failed', reason: 'MessageRejected', sentAt: undefined }),
    send({ contactId: 'c6', claimedAt: at, status: 'skipped', reason: 'suppressed', sentAt: undefined }),
    send({ contactId: 'c7', claimedAt: at, status: 'skipped', reason: 'holdout', sentAt: undefined }),
    send({ contactId: 'c8', claimedAt: at, deliveredAt: later, firstOpenAt: later, test: true }),
    // The outcome record was lost after SES accepted the message, but SES reported the delivery.
    send({ contactId: 'c9', claimedAt: at, status: 'unknown', sentAt: undefined, deliveredAt: later }),
  ];

  it('counts and rates a hand-computed day', () => {
    const [row, ...rest] = emailKpis(sends, RANGE);
    expect(rest).toEqual([]);
    expect(row).toEqual({
      day: '2026-11-02',
      campaign_id: 'onboarding',
      step_id: 'welcome',
      variant_id: 'default',
      locale: 'en',
      sent: 5,
      skipped: 1,
      failed: 1,
      delivered: 4,
      bounced: 1,
      complained: 1,
      unsubscribed: 1,
      human_opens: 2,
      machine_opens: 2,
      unique_clicks: 1,
      open_rate: 0.5,
      click_rate: 0.25,
      ctor: 0.5,
      bounce_rate: 0.2,
      complaint_rate: 0.25,
      unsubscribe_rate: 0.25,
    });
  });

  it('gives null rates, never NaN, when nothing was delivered or opened', () => {
    const rows = emailKpis(
      [
        send({ contactId: 'a', claimedAt: '2026-11-03T09:00:00Z', status: 'failed', sentAt: undefined }),
        send({ contactId: 'b', claimedAt: '2026-11-04T09:00:00Z', bouncedAt: '2026-11-04T09:01:00Z' }),
      ],
      RANGE,
    );
    expect(rows.map((r) => [r.day, r.sent, r.open_rate, r.click_rate, r.ctor, r.bounce_rate])).toEqual([
      ['2026-11-03', 0, null, null, null, null],
      ['2026-11-04', 1, null, null, null, 1],
    ]);
  });

  it('splits by step, variant, locale and day, and keeps only days in the range', () => {
    const rows = emailKpis(
      [
        send({ contactId: 'a', claimedAt: '2026-11-05T09:00:00Z', variantId: 'b', locale: 'ja' }),
        send({ contactId: 'b', claimedAt: '2026-11-05T09:00:00Z', variantId: 'a' }),
        send({ contactId: 'c', claimedAt: '2026-11-05T09:00:00Z', stepId: 'invite', locale: undefined }),
        send({ contactId: 'd', claimedAt: '2026-10-31T23:59:59Z' }),
        send({ contactId: 'e', claimedAt: '2026-11-30T23:00:00Z', sentAt: '2026-12-01T00:00:01Z' }),
      ],
      RANGE,
    );
    expect(rows.map((r) => `${r.day} ${r.step_id} ${r.variant_id} ${r.locale}`)).toEqual([
      '2026-11-05 invite default und',
      '2026-11-05 welcome a en',
      '2026-11-05 welcome b ja',
    ]);
  });

  it('ignores csm-alert steps', () => {
    expect(emailKpis([send({ contactId: 'a', claimedAt: at, channel: 'csm-alert' })], RANGE)).toEqual([]);
  });

  it('rolls rows up per step and bucket for the trend charts', () => {
    const rows = emailKpis(
      [
        send({ contactId: 'a', claimedAt: '2026-11-02T09:00:00Z', deliveredAt: later, firstOpenAt: later }),
        send({ contactId: 'b', claimedAt: '2026-11-03T09:00:00Z', deliveredAt: later, variantId: 'b' }),
      ],
      RANGE,
    );
    expect(stepRateSeries(rows, () => 'week')).toEqual([
      { campaignId: 'onboarding', stepId: 'welcome', day: 'week', delivered: 2, openRate: 0.5, clickRate: 0 },
    ]);
  });
});
