import { describe, expect, it } from 'vitest';
import { loadProgram } from '../../../functions/core/campaign/load-program.ts';
import { campaignsTriggeredBy } from '../../../functions/core/campaign/triggers.ts';
import { account, BASE_POLICY, BASE_PRODUCT, contact, programOf, SHIPPED_TEMPLATES } from './fixtures.ts';
import { planOnce } from './planner-helpers.ts';

// Tuesday 2026-12-01 10:00 in Tokyo
const NOW = Date.parse('2026-12-01T01:00:00Z');
const MINUTE = 60_000;

const campaign = (entry: string) => `
id: instant
kind: onboarding
topic: tips
audience: { tiers: [high, low, tech] }
entry: ${entry}
steps:
  - { id: welcome, after: 0d, template: t/a }
`;

describe('triggers: entry on a usage event', () => {
  it('enters a contact who signed up within the window and sends the welcome at once', () => {
    const program = programOf({ 'instant.yaml': campaign('{ on: signup, within: 1h }') });
    const fresh = contact({ signedUpAt: new Date(NOW - 10 * MINUTE).toISOString() });
    const decisions = planOnce(program, account(), fresh, NOW);
    expect(decisions.map((d) => d.type)).toEqual(['enroll', 'send']);
    const stale = contact({ signedUpAt: new Date(NOW - 2 * 60 * MINUTE).toISOString() });
    expect(planOnce(program, account(), stale, NOW)).toEqual([]);
  });

  it('enters on a feature used or a milestone reached, and combines with when', () => {
    const program = programOf({
      'instant.yaml': campaign('{ on: { feature: reports }, when: { contact.role: { eq: admin } } }'),
    });
    const used = (role: string) =>
      contact({
        role,
        usage: {
          logins7d: 1,
          logins30d: 1,
          helpVisits30d: 0,
          features: { reports: { count: 1, lastUsedAt: new Date(NOW - 5 * MINUTE).toISOString() } },
          milestones: {},
        },
      });
    expect(planOnce(program, account(), used('admin'), NOW).map((d) => d.type)).toEqual(['enroll', 'send']);
    expect(planOnce(program, account(), used('user'), NOW)).toEqual([]);
    expect(
      campaignsTriggeredBy(program, { type: 'feature.used', feature: 'reports' }).map((c) => c.id),
    ).toEqual(['instant']);
    expect(campaignsTriggeredBy(program, { type: 'feature.used', feature: 'tasks' })).toEqual([]);
    expect(campaignsTriggeredBy(program, { type: 'login' })).toEqual([]);
  });

  it('ignores an event dated in the future', () => {
    const program = programOf({ 'instant.yaml': campaign('{ on: login }') });
    const ahead = contact({
      usage: {
        logins7d: 1,
        logins30d: 1,
        helpVisits30d: 0,
        lastLoginAt: new Date(NOW + 10 * MINUTE).toISOString(),
        features: {},
        milestones: {},
      },
    });
    expect(planOnce(program, account(), ahead, NOW)).toEqual([]);
  });
});

function errorsOf(text: string): string[] {
  const files = new Map([
    ['product.yaml', BASE_PRODUCT],
    ['policy.yaml', BASE_POLICY],
    ['instant.yaml', text],
  ]);
  const { errors } = loadProgram(
    [...files].map(([name, body]) => ({ path: `campaigns/${name}`, text: body })),
    SHIPPED_TEMPLATES,
  );
  return errors.map((e) => `${e.file}:${e.line}:${e.col}  ${e.message}`);
}

describe('triggers: validate', () => {
  it('names an unknown feature or milestone with the known ones', () => {
    expect(errorsOf(campaign('{ on: { feature: reprots } }'))).toEqual([
      'campaigns/instant.yaml:6:25  entry.on.feature: unknown feature "reprots" (expected one of the features in product.yaml: projects, tasks, reports, dashboards, integrations, automations, guest-access)',
    ]);
    expect(errorsOf(campaign('{ on: { milestone: firstProject } }'))).toEqual([
      'campaigns/instant.yaml:6:27  entry.on.milestone: unknown milestone "firstProject" (expected one of the milestones in product.yaml: firstProjectCreated, teammateInvited)',
    ]);
  });

  it('says what an entry may hold when it has neither when nor on, or an unknown event', () => {
    const empty = errorsOf(campaign('{ within: 2h }'));
    expect(empty).toHaveLength(1);
    expect(empty[0]).toContain('expected when: <rule>, on: <event>, or both (for example on: signup)');
    const unknown = errorsOf(campaign('{ on: purchase }'));
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toContain(
      'expected one of signup, login, nps, { feature: <feature> } or { milestone: <milestone> }, got "purchase"',
    );
  });
});
