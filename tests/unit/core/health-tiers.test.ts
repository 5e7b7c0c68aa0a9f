import { describe, expect, it } from 'vitest';
import { healthMetrics, scoreHealth } from '../../../functions/core/accounts/health.ts';
import { assignTier } from '../../../functions/core/accounts/tiers.ts';
import { DAY_MS } from '../../../functions/core/shared/duration.ts';
import { account, contact, mustLoad, shippedFiles } from './fixtures.ts';

const program = mustLoad(shippedFiles());
const health = program.health;
const NOW = Date.parse('2026-12-01T00:00:00Z');
const recent = new Date(NOW - 2 * DAY_MS).toISOString();
const old = new Date(NOW - 45 * DAY_MS).toISOString();
const KEY = ['projects', 'tasks', 'reports', 'dashboards', 'integrations', 'automations', 'guest-access'];

function user(
  id: string,
  keyFeaturesUsed: number,
  opts: { logins30d?: number; lastLogin?: string; help?: number; stale?: number } = {},
) {
  const features: Record<string, { count: number; lastUsedAt: string }> = {};
  KEY.slice(0, keyFeaturesUsed).forEach((f) => {
    features[f] = { count: 4, lastUsedAt: recent };
  });
  KEY.slice(keyFeaturesUsed, keyFeaturesUsed + (opts.stale ?? 0)).forEach((f) => {
    features[f] = { count: 4, lastUsedAt: old };
  });
  return contact({
    id,
    usage: {
      logins7d: 2,
      logins30d: opts.logins30d ?? 15,
      helpVisits30d: opts.help ?? 0,
      lastLoginAt: opts.lastLogin ?? recent,
      features,
      milestones: {},
    },
  });
}

describe('health scorecard', () => {
  if (!health) throw new Error('shipped program has a health.yaml');

  it('counts key features used in the window across the account (5 of 7 → green measure)', () => {
    const metrics = healthMetrics(health, account(), [user('a', 3), user('b', 5, { stale: 2 })], NOW);
    expect(metrics.keyFeaturesUsed).toBe(5);
    const score = scoreHealth(health, account(), [user('a', 3), user('b', 5, { stale: 2 })], NOW);
    expect(score.measures['key-features']).toBe(100);
    const four = scoreHealth(health, account(), [user('a', 4, { stale: 3 })], NOW);
    expect(four.measures['key-features']).toBe(50);
    const two = scoreHealth(health, account(), [user('a', 2)], NOW);
    expect(two.measures['key-features']).toBe(0);
  });

  it('weights measures into a score and a color', () => {
    const healthy = scoreHealth(
      health,
      account({ nps: { score: 10, respondedAt: recent, contactId: 'a' } }),
      [user('a', 6), user('b', 6)],
      NOW,
    );
    expect(healthy).toMatchObject({ score: 100, color: 'green' });
    const quiet = scoreHealth(
      health,
      account(),
      [user('a', 1, { logins30d: 1, lastLogin: old, help: 9 })],
      NOW,
    );
    expect(quiet).toMatchObject({ score: 0, color: 'red' });
    // key features yellow (35×50), active users green (30×100), depth yellow (15×50), help green (10×100); nps ignored
    const mixed = scoreHealth(health, account(), [user('a', 4, { logins30d: 5 })], NOW);
    expect(mixed.score).toBe(Math.round((35 * 50 + 30 * 100 + 15 * 50 + 10 * 100) / 90));
    expect(mixed.color).toBe('green');
  });

  it('scores an account with no data in the middle, and never divides by zero', () => {
    const none = scoreHealth(health, account({ seats: 0 }), [], NOW);
    expect(none).toMatchObject({ score: 50, color: 'yellow' });
    const metrics = healthMetrics(health, account({ seats: 0 }), [], NOW);
    expect(metrics.activeUserShare).toBeNull();
    expect(metrics.seatUtilization).toBeNull();
  });
});

describe('tiers', () => {
  const tier = (overrides: Parameters<typeof account>[0]) =>
    assignTier(program, account({ tier: undefined, ...overrides }), undefined, NOW);
  it('orders rules: revenue, potential, advocacy, expectations, then the default', () => {
    expect(tier({ arr: 8_000_000 })).toEqual({ tier: 'high', because: 'revenue' });
    expect(tier({ arr: 0, status: 'trial', seats: 250 })).toEqual({
      tier: 'high',
      because: 'revenue potential',
    });
    expect(tier({ arr: 100, referrals: 3 })).toEqual({ tier: 'high', because: 'advocacy' });
    expect(tier({ arr: 100, caseStudy: true })).toEqual({ tier: 'high', because: 'advocacy' });
    expect(tier({ arr: 100, industry: 'finance' })).toEqual({ tier: 'low', because: 'expectations' });
    expect(tier({ arr: 100, employees: 500 })).toEqual({ tier: 'low', because: 'expectations' });
    expect(tier({ arr: 2_000_000 })).toEqual({ tier: 'low', because: 'revenue' });
    expect(tier({ arr: 100 })).toEqual({ tier: 'tech', because: 'default' });
  });
});
