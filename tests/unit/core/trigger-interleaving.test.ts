import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyPlanState, type PlanState } from '../../../functions/core/campaign/plan-state.ts';
import { applyDecisions, planContact, prepareAccounts } from '../../../functions/core/campaign/planner.ts';
import { account, contact, programOf } from './fixtures.ts';

// The instant path (after a usage event) and the hourly tick plan the same contact, sometimes from the same
// stale state at nearly the same moment. The claim (a conditional put on the send id) and the plan write (a
// version-conditional put) are modelled as in plan-shard; whatever the interleaving, no step is claimed
// under two send ids, and the welcome goes out at most once (exactly once given a run in the send window).
const START = Date.parse('2026-12-01T01:00:00Z'); // Tuesday 10:00 in Tokyo
const program = programOf({
  'trial.yaml': `
id: trial
kind: onboarding
topic: tips
audience: { tiers: [high, low, tech] }
entry: { on: signup, within: 1d }
steps:
  - { id: welcome, after: 0d, template: t/a }
  - { id: day2, after: 1d, template: t/b }
`,
});
const who = contact({ signedUpAt: new Date(START).toISOString() });
const prepared = (now: number) => {
  const acc = prepareAccounts(program, [account()], now).get('acc-1');
  if (!acc) throw new Error('account missing');
  return acc;
};

describe('triggers and ticks interleaved', () => {
  it('never claims one step twice, whatever the order and staleness of the runs (property)', () => {
    const run = fc.record({
      minute: fc.integer({ min: 0, max: 60 * 30 }),
      staleRead: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 40 }), (runs) => {
        let stored = { version: 0, plan: emptyPlanState() };
        let previous = stored;
        const claimed = new Map<string, string>();
        const stepsClaimed = new Map<string, Set<string>>();
        for (const { minute, staleRead } of [...runs].sort((a, b) => a.minute - b.minute)) {
          const now = START + minute * 60_000;
          let read = staleRead ? previous : stored;
          for (let attempt = 0; attempt < 3; attempt++) {
            const decisions = planContact(program, {
              contact: who,
              account: prepared(now),
              state: read.plan,
              now,
            });
            for (const d of decisions) {
              if (d.type !== 'send' || claimed.has(d.sendId)) continue;
              claimed.set(d.sendId, d.stepId);
              const ids = stepsClaimed.get(d.stepId) ?? new Set();
              ids.add(d.sendId);
              stepsClaimed.set(d.stepId, ids);
            }
            const next: PlanState = applyDecisions(program, read.plan, decisions, now);
            if (read.version === stored.version) {
              previous = stored;
              stored = { version: stored.version + 1, plan: next };
              break;
            }
            read = stored; // lost the race: read again and plan again, as plan-shard does
          }
        }
        for (const ids of stepsClaimed.values()) expect(ids.size).toBe(1);
        const welcomes = [...claimed.values()].filter((step) => step === 'welcome').length;
        expect(welcomes).toBeLessThanOrEqual(1);
        // a run inside Tuesday's send window (before 17:00 in Tokyo) delivers it
        if (runs.some((r) => r.minute < 7 * 60)) expect(welcomes).toBe(1);
      }),
      { numRuns: 200, seed: 1401 },
    );
  });
});
