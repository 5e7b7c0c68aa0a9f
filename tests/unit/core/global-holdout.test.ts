import { describe, expect, it } from 'vitest';
import { account, BASE_POLICY, contact, programOf } from './fixtures.ts';
import { planOnce } from './planner-helpers.ts';

const NOW = Date.parse('2026-12-01T01:00:00Z'); // Tuesday 10:00 in Tokyo
const campaign = (id: string) => `
id: ${id}
kind: onboarding
topic: tips
audience: { tiers: [high, low, tech] }
steps:
  - { id: s1, after: 0d, template: t/a }
`;

describe('global holdout (policy.yaml globalHoldout)', () => {
  const program = programOf(
    { 'a.yaml': campaign('a'), 'b.yaml': campaign('b') },
    `${BASE_POLICY}globalHoldout: 5%\n`,
  );

  it('keeps about 5% of contacts out of every campaign, the same contacts everywhere', () => {
    let held = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const who = contact({ id: `c-${i}`, email: `c${i}@example.com` });
      const enrolls = planOnce(program, account(), who, NOW).filter((d) => d.type === 'enroll');
      expect(enrolls).toHaveLength(2);
      const flags = enrolls.map((d) => d.type === 'enroll' && d.holdout);
      // A contact in the global holdout is held out of both campaigns at once.
      if (flags.every(Boolean)) held++;
    }
    expect(held / n).toBeGreaterThan(0.04);
    expect(held / n).toBeLessThan(0.06);
  });

  it('holds nobody out when the policy does not ask for it', () => {
    const open = programOf({ 'a.yaml': campaign('a') });
    for (let i = 0; i < 500; i++) {
      const decisions = planOnce(open, account(), contact({ id: `c-${i}` }), NOW);
      expect(decisions).toContainEqual(expect.objectContaining({ type: 'enroll', holdout: false }));
    }
  });
});
