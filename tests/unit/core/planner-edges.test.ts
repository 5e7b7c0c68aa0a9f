import { describe, expect, it } from 'vitest';
import { emptyPlanState, type PlanState } from '../../../functions/core/campaign/plan-state.ts';
import { applyDecisions, type Decision } from '../../../functions/core/campaign/planner.ts';
import { DAY_MS } from '../../../functions/core/shared/duration.ts';
import { account, contact, programOf } from './fixtures.ts';
import { planOnce } from './planner-helpers.ts';

// The planner's limits to the millisecond (a step due now, a step at its expiry, the goal window, the
// cap window when state is applied), so that moving any bound by one fails a test.

// Tuesday 2026-12-01 10:00 in Tokyo, inside the weekday 09:00–17:00 window
const NOW = Date.parse('2026-12-01T01:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const CAMPAIGN = `
id: onb
kind: onboarding
topic: tips
audience: { when: { contact.role: admin } }
goal: { when: { usage.milestones.firstProjectCreated: true }, within: 21d }
steps:
  - { id: s1, after: 0d, template: t/a }
  - { id: s2, after: 2d, template: t/b }
`;
const program = programOf({ 'onb.yaml': CAMPAIGN });
const admin = contact({ signedUpAt: iso(NOW - 60 * DAY_MS) });

/** State of a contact enrolled at `enteredMs` whose first step already went out. */
function enrolledAt(enteredMs: number, steps: PlanState['enrollments'][string]['steps'] = {}): PlanState {
  const state = emptyPlanState();
  state.enrollments.onb = {
    campaignId: 'onb',
    seq: 1,
    enteredAt: iso(enteredMs),
    holdout: false,
    steps: { s1: { status: 'claimed', at: iso(enteredMs) }, ...steps },
  };
  return state;
}

const stepDecisions = (decisions: Decision[]) =>
  decisions.filter((d) => d.type === 'send' || d.type === 'skip' || d.type === 'exit');

describe('planner limits', () => {
  it('sends a step at the very millisecond it falls due, and not one millisecond before', () => {
    expect(stepDecisions(planOnce(program, account(), admin, NOW, enrolledAt(NOW - 2 * DAY_MS)))).toEqual([
      expect.objectContaining({ type: 'send', stepId: 's2', sendId: 'onb#s2#c-1' }),
    ]);
    expect(stepDecisions(planOnce(program, account(), admin, NOW, enrolledAt(NOW - 2 * DAY_MS + 1)))).toEqual(
      [],
    );
  });

  it('still sends a step exactly at its expiry (7 days late) and expires it one millisecond later', () => {
    const late = (ms: number) => planOnce(program, account(), admin, NOW, enrolledAt(NOW - 2 * DAY_MS - ms));
    expect(stepDecisions(late(7 * DAY_MS))).toEqual([
      expect.objectContaining({ type: 'send', stepId: 's2' }),
    ]);
    expect(stepDecisions(late(7 * DAY_MS + 1))).toEqual([
      { type: 'skip', campaignId: 'onb', stepId: 's2', reason: 'expired', final: true },
    ]);
  });

  it('completes the campaign when the goal window closes, not before', () => {
    const done = (enteredMs: number) =>
      planOnce(
        program,
        account(),
        admin,
        NOW,
        enrolledAt(enteredMs, { s2: { status: 'claimed', at: iso(enteredMs + 2 * DAY_MS) } }),
      );
    expect(done(NOW - 21 * DAY_MS)).toEqual([{ type: 'exit', campaignId: 'onb', reason: 'completed' }]);
    expect(done(NOW - 21 * DAY_MS + 1)).toEqual([]);
  });

  it('does not enroll a contact who is not in the audience', () => {
    expect(
      planOnce(program, account(), contact({ role: 'user', signedUpAt: admin.signedUpAt }), NOW),
    ).toEqual([]);
    expect(planOnce(program, account(), admin, NOW)).toEqual([
      { type: 'enroll', campaignId: 'onb', seq: 1, holdout: false },
      expect.objectContaining({ type: 'send', stepId: 's1', sendId: 'onb#s1#c-1' }),
    ]);
  });
});

describe('applying decisions', () => {
  const send = (extra: Partial<Extract<Decision, { type: 'send' }>> = {}): Decision => ({
    type: 'send',
    campaignId: 'onb',
    stepId: 's2',
    variantId: 'a',
    template: 't/b',
    channel: 'email',
    sendId: 'onb#s2#c-1',
    topic: 'tips',
    bypassCap: false,
    ...extra,
  });

  it('forgets sends that left the cap window, keeping one still inside it by a millisecond', () => {
    const capMs = program.policy.capPerMs;
    const state: PlanState = {
      enrollments: {},
      recentSends: [
        { campaignId: 'x', stepId: 'old', at: iso(NOW - capMs), countsToCap: true },
        { campaignId: 'x', stepId: 'kept', at: iso(NOW - capMs + 1), countsToCap: true },
      ],
    };
    expect(applyDecisions(program, state, [], NOW).recentSends.map((s) => s.stepId)).toEqual(['kept']);
  });

  it('records a send as claimed, counts emails toward the cap unless they bypass it, and never CSM alerts', () => {
    const state = enrolledAt(NOW - 2 * DAY_MS);
    const next = applyDecisions(
      program,
      state,
      [send(), send({ stepId: 'renewal', bypassCap: true }), send({ stepId: 'alert', channel: 'csm-alert' })],
      NOW,
    );
    expect(next.enrollments.onb?.steps.s2).toEqual({
      status: 'claimed',
      at: iso(NOW),
      sendId: 'onb#s2#c-1',
      variantId: 'a',
    });
    expect(next.recentSends).toEqual([
      { campaignId: 'onb', stepId: 's2', at: iso(NOW), countsToCap: true },
      { campaignId: 'onb', stepId: 'renewal', at: iso(NOW), countsToCap: false },
    ]);
    expect(state.enrollments.onb?.steps.s2).toBeUndefined();
  });

  it('records final skips and holdouts on the step, and leaves a deferred step open', () => {
    const next = applyDecisions(
      program,
      enrolledAt(NOW - 2 * DAY_MS),
      [
        {
          type: 'skip',
          campaignId: 'onb',
          stepId: 's2',
          reason: 'outside-window',
          final: false,
          retryAt: NOW + 1,
        },
        { type: 'skip', campaignId: 'onb', stepId: 's3', reason: 'unsubscribed', final: true },
        { type: 'holdout', campaignId: 'onb', stepId: 's4', variantId: 'b', sendId: 'onb#s4#c-1' },
      ],
      NOW,
    );
    const steps = next.enrollments.onb?.steps ?? {};
    expect(steps.s2).toBeUndefined();
    expect(steps.s3).toEqual({ status: 'skipped', at: iso(NOW), reason: 'unsubscribed' });
    expect(steps.s4).toEqual({ status: 'held-out', at: iso(NOW), sendId: 'onb#s4#c-1', variantId: 'b' });
    expect(next.recentSends).toEqual([]);
  });

  it('marks the goal only on a goal exit, and enrolls with the occurrence when there is one', () => {
    const goal = applyDecisions(
      program,
      enrolledAt(NOW - DAY_MS),
      [{ type: 'exit', campaignId: 'onb', reason: 'goal' }],
      NOW,
    );
    expect(goal.enrollments.onb).toMatchObject({
      exitedAt: iso(NOW),
      exitReason: 'goal',
      goalReachedAt: iso(NOW),
    });
    const completed = applyDecisions(
      program,
      enrolledAt(NOW - DAY_MS),
      [{ type: 'exit', campaignId: 'onb', reason: 'completed' }],
      NOW,
    );
    expect(completed.enrollments.onb?.exitReason).toBe('completed');
    expect(completed.enrollments.onb?.goalReachedAt).toBeUndefined();
    const enrolled = applyDecisions(
      program,
      emptyPlanState(),
      [
        { type: 'enroll', campaignId: 'renewal', seq: 2, occurrence: '2027-03-01', holdout: true },
        { type: 'enroll', campaignId: 'onb', seq: 1, holdout: false },
      ],
      NOW,
    );
    expect(enrolled.enrollments).toEqual({
      renewal: {
        campaignId: 'renewal',
        seq: 2,
        occurrence: '2027-03-01',
        enteredAt: iso(NOW),
        holdout: true,
        steps: {},
      },
      onb: { campaignId: 'onb', seq: 1, enteredAt: iso(NOW), holdout: false, steps: {} },
    });
  });

  it('ignores decisions for a campaign the contact is not enrolled in', () => {
    const next = applyDecisions(
      program,
      emptyPlanState(),
      [send({ campaignId: 'ghost' }), { type: 'exit', campaignId: 'ghost', reason: 'goal' }],
      NOW,
    );
    expect(next.enrollments).toEqual({});
    expect(next.recentSends).toHaveLength(1);
  });
});
