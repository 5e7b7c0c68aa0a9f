import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProgram } from '../../../functions/core/campaign/load-program.ts';
import type { Contact } from '../../../functions/core/shared/domain.ts';
import { DAY_MS } from '../../../functions/core/shared/duration.ts';
import { account, BASE_POLICY, BASE_PRODUCT, contact, programOf, SHIPPED_TEMPLATES } from './fixtures.ts';
import { hourly, sendsOf, simulate } from './planner-helpers.ts';

// Tuesday 2026-12-01 09:00 in Tokyo
const START = Date.parse('2026-12-01T00:00:00Z');

const TRIAL = `
id: trial
kind: onboarding
topic: tips
audience: { when: { contact.signedUpAt: { withinDays: 14 } } }
sendWindow: any
steps:
  - { id: welcome, after: 0d, template: t/a }
  - id: wait-reports
    after: 1d
    wait: { until: { usage.features.reports.count: { gte: 1 } }, timeout: 3d, then: reports-tips, else: reports-nudge }
  - { id: reports-tips, after: 0d, template: t/b }
  - { id: reports-nudge, after: 2h, template: t/c }
`;
const program = programOf({ 'trial.yaml': TRIAL });

/** A new contact who starts using reports at `usesReportsAt` (never when undefined). */
function contactUsingReports(usesReportsAt: number | undefined) {
  return (now: number): Contact =>
    contact({
      signedUpAt: new Date(START - 60_000).toISOString(),
      usage:
        usesReportsAt !== undefined && now >= usesReportsAt
          ? {
              logins7d: 1,
              logins30d: 1,
              helpVisits30d: 0,
              features: { reports: { count: 1, lastUsedAt: new Date(usesReportsAt).toISOString() } },
              milestones: {},
            }
          : { logins7d: 0, logins30d: 0, helpVisits30d: 0, features: {}, milestones: {} },
    });
}

describe('waits with branches: planner', () => {
  it('takes the then branch as soon as the condition holds, and closes the other branch', () => {
    const usedAt = START + 2 * DAY_MS + 5 * 3_600_000;
    const { log, state } = simulate(program, account(), contactUsingReports(usedAt), hourly(START, 24 * 6));
    const sends = sendsOf(log);
    expect(sends.map((s) => s.stepId)).toEqual(['welcome', 'reports-tips']);
    expect(sends[1]?.at).toBe(START + 2 * DAY_MS + 5 * 3_600_000);
    const steps = state.enrollments.trial?.steps;
    expect(steps?.['wait-reports']).toMatchObject({
      status: 'branched',
      branch: 'then',
      target: 'reports-tips',
    });
    expect(steps?.['reports-nudge']).toMatchObject({ status: 'skipped', reason: 'branch-not-taken' });
  });

  it('takes the else branch at the timeout, and times the next step from the branch', () => {
    const { log, state } = simulate(
      program,
      account(),
      contactUsingReports(undefined),
      hourly(START, 24 * 6),
    );
    const sends = sendsOf(log);
    expect(sends.map((s) => s.stepId)).toEqual(['welcome', 'reports-nudge']);
    // the wait starts after 1d and times out 3d later; the nudge is due 2h after the branch
    expect(sends[1]?.at).toBe(START + 4 * DAY_MS + 2 * 3_600_000);
    expect(state.enrollments.trial?.steps['wait-reports']).toMatchObject({ branch: 'else' });
    expect(state.enrollments.trial?.steps['reports-tips']).toMatchObject({ reason: 'branch-not-taken' });
  });

  it('reports a contact still waiting, with the instant the wait times out', () => {
    const { log } = simulate(program, account(), contactUsingReports(undefined), hourly(START, 24 * 2));
    const last = log.at(-1)?.decisions ?? [];
    expect(last).toContainEqual({
      type: 'wait',
      campaignId: 'trial',
      stepId: 'wait-reports',
      until: START + 4 * DAY_MS,
    });
  });

  it('resolves every wait into exactly one branch, whenever the condition comes true (property)', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 0, max: 24 * 6 - 1 }), { nil: undefined }), (hour) => {
        const usedAt = hour === undefined ? undefined : START + hour * 3_600_000;
        const { log, state } = simulate(
          program,
          account(),
          contactUsingReports(usedAt),
          hourly(START, 24 * 7),
        );
        const branches = log.flatMap((t) => t.decisions.filter((d) => d.type === 'branch'));
        expect(branches).toHaveLength(1);
        const sent = sendsOf(log).map((s) => s.stepId);
        const taken = usedAt !== undefined && usedAt < START + 4 * DAY_MS ? 'reports-tips' : 'reports-nudge';
        expect(sent).toEqual(['welcome', taken]);
        expect(state.enrollments.trial?.steps['wait-reports']?.target).toBe(taken);
      }),
      { numRuns: 60, seed: 14 },
    );
  });
});

function errorsOf(campaign: string): string[] {
  const files = new Map([
    ['product.yaml', BASE_PRODUCT],
    ['policy.yaml', BASE_POLICY],
    ['trial.yaml', campaign],
  ]);
  const { errors } = loadProgram(
    [...files].map(([name, text]) => ({ path: `campaigns/${name}`, text })),
    SHIPPED_TEMPLATES,
  );
  return errors.map((e) => `${e.file}:${e.line}:${e.col}  ${e.message}`);
}

const HEAD = `id: trial
kind: onboarding
topic: tips
audience: { when: { contact.signedUpAt: { withinDays: 14 } } }
steps:
`;

describe('waits with branches: validate', () => {
  it('names unknown step ids in then and else', () => {
    expect(
      errorsOf(`${HEAD}  - id: w
    after: 1d
    wait: { until: { usage.logins7d: { gte: 1 } }, timeout: 3d, then: tipz, else: nudge }
  - { id: nudge, after: 0d, template: t/a }
`),
    ).toEqual([
      'campaigns/trial.yaml:8:71  steps[0].wait.then: unknown step "tipz" in wait.then (expected one of the campaign\'s steps: w, nudge)',
    ]);
  });

  it('finds a cycle of waits', () => {
    const errors = errorsOf(`${HEAD}  - { id: start, after: 0d, template: t/a }
  - id: a
    after: 1d
    wait: { until: { usage.logins7d: { gte: 1 } }, timeout: 1d, then: done, else: b }
  - id: b
    after: 0d
    wait: { until: { usage.logins7d: { gte: 2 } }, timeout: 1d, then: done, else: a }
  - { id: done, after: 0d, template: t/b }
`);
    expect(errors).toEqual([
      'campaigns/trial.yaml:9:5  steps[1].wait: the waits form a cycle: a → b → a (a contact could wait forever; make one branch lead to a step that is not a wait, or out of the loop)',
      'campaigns/trial.yaml:13:11  steps[3].id: step "done" can never be reached: only waits that are never reached lead to it (a, b)',
    ]);
  });

  it('finds steps that no path reaches, targets with their own timing, and waits that decide nothing', () => {
    const errors = errorsOf(`${HEAD}  - id: w
    after: 1d
    template: t/a
    wait: { until: { usage.logins7d: { gte: 1 } }, timeout: 3d, then: tips, else: tips }
  - { id: tips, sendAt: "2026-12-09T10:00:00+09:00", template: t/b }
`);
    expect(errors).toEqual([
      'campaigns/trial.yaml:8:5  steps[0].template: step "w" is a wait and has template: a wait sends nothing, so template would never be used (move it to the step the wait leads to)',
      'campaigns/trial.yaml:9:83  steps[0].wait.else: wait "w" leads to "tips" on both branches, so it decides nothing (point then and else at different steps, or drop the wait and time "tips" with after)',
      'campaigns/trial.yaml:10:17  steps[1].sendAt: step "tips" is reached from wait "w" and has sendAt: a step a wait leads to is timed from the branch (use after: 0d, or after: <delay> after the branch)',
    ]);
  });

  it('accepts the trial campaign above', () => {
    expect(errorsOf(TRIAL.replace('sendWindow: any\n', ''))).toEqual([]);
  });
});
