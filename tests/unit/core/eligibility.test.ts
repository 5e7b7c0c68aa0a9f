import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contactIneligibleAt,
  eligibleDuring,
  ineligibleAt,
} from '../../../functions/core/campaign/eligibility.ts';
import { DAY_MS } from '../../../functions/core/shared/duration.ts';
import { account, contact, programOf } from './fixtures.ts';
import { hourly, planOnce, sendsOf, simulate } from './planner-helpers.ts';

// A broadcast on Wednesday 2026-12-09 10:00 in Tokyo, to every contact of an active account.
const SEND_AT = Date.parse('2026-12-09T01:00:00Z');
const RELEASE = `
id: rel
kind: release
topic: product-updates
audience: { when: { account.status: { in: [trial, active] } } }
steps:
  - { id: announce, sendAt: 2026-12-09T10:00:00+09:00, expiresAfter: 3d, template: t/a }
`;
const ONBOARDING = `
id: onb
kind: onboarding
topic: tips
audience: { when: { contact.role: { in: [admin, user] } } }
steps:
  - { id: s1, after: 0d, template: t/a }
  - { id: s2, after: 2d, template: t/b }
`;
const program = programOf({ 'rel.yaml': RELEASE, 'onb.yaml': ONBOARDING });
const iso = (ms: number) => new Date(ms).toISOString();

describe('eligibility: nobody is enrolled or mailed before sign-up, before the account starts, or after churn', () => {
  it('does not mail the broadcast to a contact whose sign-up is after it, not even once they sign up', () => {
    const late = contact({ signedUpAt: '2026-12-20T03:00:00Z' });
    const { log } = simulate(program, account(), () => late, hourly(SEND_AT - 2 * 3_600_000, 24 * 14));
    const sends = sendsOf(log);
    expect(sends.filter((s) => s.campaignId === 'rel')).toEqual([]);
    // onboarding starts at the sign-up, never before it
    expect(sends.every((s) => s.at >= Date.parse(late.signedUpAt))).toBe(true);
    expect(sends.filter((s) => s.campaignId === 'onb').map((s) => s.stepId)).toEqual(['s1', 's2']);
    const enrolledAt = log.find((tick) => tick.decisions.some((d) => d.type === 'enroll'))?.at ?? 0;
    expect(enrolledAt).toBeGreaterThanOrEqual(Date.parse(late.signedUpAt));
  });

  it('mails the broadcast to a contact who signed up before it', () => {
    const decisions = planOnce(program, account(), contact(), SEND_AT);
    expect(
      decisions.filter((d) => d.type === 'send').map((d) => d.type === 'send' && d.campaignId),
    ).toContain('rel');
  });

  it('sends nothing to the contacts of a churned account, nor of an account that has not started', () => {
    const churned = account({ status: 'churned', churnedAt: iso(SEND_AT - DAY_MS) });
    expect(planOnce(program, churned, contact(), SEND_AT)).toEqual([]);
    const churnedLater = account({ churnedAt: iso(SEND_AT - 3_600_000) });
    expect(planOnce(program, churnedLater, contact(), SEND_AT)).toEqual([]);
    const future = account({ startedAt: iso(SEND_AT + DAY_MS) });
    expect(planOnce(program, future, contact(), SEND_AT)).toEqual([]);
  });

  it('closes the due step of an enrolled contact whose account churned, and waits for a sign-up moved later', () => {
    const enrolledAt = SEND_AT - 3 * DAY_MS;
    const first = simulate(program, account(), () => contact(), [enrolledAt]);
    const churned = account({ status: 'churned', churnedAt: iso(SEND_AT - DAY_MS) });
    const after = planOnce(program, churned, contact(), enrolledAt + 2 * DAY_MS, first.state);
    expect(after).toContainEqual(
      expect.objectContaining({
        type: 'skip',
        campaignId: 'onb',
        stepId: 's2',
        reason: 'account-churned',
        final: true,
      }),
    );
    expect(after.some((d) => d.type === 'send')).toBe(false);

    const signUp = enrolledAt + 3 * DAY_MS;
    const moved = planOnce(
      program,
      account(),
      contact({ signedUpAt: iso(signUp) }),
      enrolledAt + 2 * DAY_MS,
      first.state,
    );
    expect(moved).toContainEqual(
      expect.objectContaining({
        type: 'skip',
        stepId: 's2',
        reason: 'not-signed-up',
        final: false,
        retryAt: signUp,
      }),
    );
  });

  it('agrees with its instant rule over any period (property)', () => {
    const day = fc.integer({ min: 0, max: 60 }).map((d) => Date.parse('2026-11-01T00:00:00Z') + d * DAY_MS);
    fc.assert(
      fc.property(
        day,
        fc.option(day, { nil: undefined }),
        fc.option(day, { nil: undefined }),
        fc.constantFrom('trial', 'active', 'churned'),
        day,
        fc.integer({ min: 0, max: 10 }),
        (signedUp, started, churned, status, from, length) => {
          const dates = {
            signedUpMs: signedUp,
            accountStartedMs: started,
            accountChurnedMs: churned,
            accountStatus: status,
          } as const;
          const to = from + length * DAY_MS;
          let any = false;
          for (let t = from; t <= to; t += 3_600_000) any ||= ineligibleAt(dates, t) === undefined;
          // hourly sampling sees every day boundary the generated dates fall on
          expect(eligibleDuring(dates, from, to)).toBe(any);
        },
      ),
    );
  });

  it('reads the same rule from the stored records', () => {
    const a = account({ startedAt: '2026-12-01T00:00:00Z' });
    expect(contactIneligibleAt(contact(), a, Date.parse('2026-11-30T00:00:00Z'))).toBe('account-not-started');
    expect(contactIneligibleAt(contact(), a, Date.parse('2026-12-02T00:00:00Z'))).toBeUndefined();
    expect(
      contactIneligibleAt(contact(), { ...a, status: 'churned' }, Date.parse('2026-12-02T00:00:00Z')),
    ).toBe('account-churned');
  });
});
