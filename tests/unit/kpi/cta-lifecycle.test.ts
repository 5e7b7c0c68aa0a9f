import { describe, expect, it } from 'vitest';
import {
  applyCtaAction,
  campaignAlertCta,
  ctaDueAt,
  ctaNeedsOwner,
  ctaReasonText,
  newCtaRecord,
  parseCtaForm,
} from '../../../functions/core/accounts/cta-lifecycle.ts';

const now = Date.parse('2026-11-24T02:00:00Z');
const DAY = 86_400_000;
const account = { id: 'acme', csmId: 'csm-2', tier: 'high' as const, renewalAt: '2027-02-22T00:00:00Z' };

describe('CTA lifecycle', () => {
  it('one campaign alert per account and step, whichever contact triggered it', () => {
    const a = campaignAlertCta({ account, campaignId: 'renewal', stepId: 'csm-90', now });
    const b = campaignAlertCta({ account, campaignId: 'renewal', stepId: 'csm-90', now: now + 5 });
    expect(a.key).toBe(b.key);
    expect(a.key).toBe('acme#campaign-alert#renewal-csm-90');
    expect(
      campaignAlertCta({ account, campaignId: 'renewal', stepId: 'csm-90', occurrence: '2028', now }).key,
    ).not.toBe(a.key);
    expect(ctaDueAt(a)).toBe('2027-02-22T00:00:00.000Z');
  });

  it('open → acknowledged → closed with an outcome; closed stays closed', () => {
    const open = newCtaRecord(campaignAlertCta({ account, campaignId: 'renewal', stepId: 'csm-90', now }));
    expect(open.state).toBe('open');
    const ack = applyCtaAction(open, { kind: 'acknowledge' }, now + DAY);
    if (!ack.ok) throw new Error(ack.reason);
    expect(ack.record).toMatchObject({
      state: 'acknowledged',
      acknowledgedAt: '2026-11-25T02:00:00.000Z',
      version: 1,
    });
    expect(applyCtaAction(ack.record, { kind: 'acknowledge' }, now)).toEqual({
      ok: false,
      reason: 'already-acknowledged',
    });
    const closed = applyCtaAction(ack.record, { kind: 'close', outcome: 'renewed' }, now + 2 * DAY);
    if (!closed.ok) throw new Error(closed.reason);
    expect(closed.record).toMatchObject({
      state: 'closed',
      outcome: 'renewed',
      acknowledgedAt: '2026-11-25T02:00:00.000Z',
    });
    expect(applyCtaAction(closed.record, { kind: 'snooze', days: 7 }, now)).toEqual({
      ok: false,
      reason: 'already-closed',
    });
    expect(ctaNeedsOwner(closed.record, now)).toBe(false);
  });

  it('a snooze hides the CTA until its date, then it needs its owner again', () => {
    const open = newCtaRecord(campaignAlertCta({ account, campaignId: 'renewal', stepId: 'csm-90', now }));
    const snoozed = applyCtaAction(open, { kind: 'snooze', days: 7 }, now);
    if (!snoozed.ok) throw new Error(snoozed.reason);
    expect(ctaNeedsOwner(snoozed.record, now + 6 * DAY)).toBe(false);
    expect(ctaNeedsOwner(snoozed.record, now + 7 * DAY)).toBe(true);
  });

  it('reads only known actions and outcomes from a form', () => {
    expect(parseCtaForm(new URLSearchParams('action=close&outcome=risk-handled'))).toEqual({
      kind: 'close',
      outcome: 'risk-handled',
    });
    expect(parseCtaForm(new URLSearchParams('action=close&outcome=won'))).toBeUndefined();
    expect(parseCtaForm(new URLSearchParams('action=delete'))).toBeUndefined();
  });

  it('says why in words, in English and Japanese, never as a raw key', () => {
    const cta = newCtaRecord({
      key: 'acme#renewal-due#renewal-2027-01-14',
      accountId: 'acme',
      type: 'renewal-due',
      reason: 'renewal-2027-01-14',
      raisedAt: '2026-11-24T02:00:00Z',
      facts: { renewalAt: '2027-01-14', daysToRenewal: 51 },
    });
    expect(ctaReasonText(cta, 'en')).toBe('Renews on 2027-01-14 (in 51 days)');
    expect(ctaReasonText(cta, 'ja')).toBe('2027-01-14 に契約更新（あと51日）');
    expect(cta.dueAt).toBe('2027-01-14T00:00:00.000Z');
  });
});
