import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFieldTable } from '../../../functions/core/campaign/fields.ts';
import {
  compileRule,
  interpretRule,
  type Predicate,
  type RuleEnv,
} from '../../../functions/core/campaign/rules.ts';
import { prepareAccount, subjectOf } from '../../../functions/core/campaign/subject.ts';
import type { Contact } from '../../../functions/core/shared/domain.ts';
import { DAY_MS } from '../../../functions/core/shared/duration.ts';
import { account, contact } from './fixtures.ts';

const NOW = Date.parse('2026-12-01T00:00:00Z');
const FEATURES = ['projects', 'tasks', 'reports'];
const fields = buildFieldTable({ features: FEATURES, milestones: ['firstProjectCreated'] });

// Every operator, combinator and value type, including missing values and a nested segment.
const RULES: Record<string, unknown>[] = [
  { 'contact.role': 'admin' },
  { 'contact.role': { ne: 'user' }, 'account.csmId': { ne: 'x' } },
  { 'account.industry': { in: ['finance', 'retail'] } },
  { 'account.industry': { nin: ['finance'] } },
  { 'usage.logins30d': { gt: 5, lte: 20 } },
  { 'usage.logins7d': { gte: 1, lt: 4 } },
  { 'usage.logins30d': { between: [4, 14] } },
  { 'account.renewalAt': { exists: true } },
  { 'account.trialEndsAt': { exists: false } },
  { 'contact.topicOptOuts': 'product-updates' },
  { 'account.name': { contains: 'cm' } },
  { 'contact.signedUpAt': { withinDays: 10 } },
  { 'usage.features.reports.lastUsedAt': { olderThanDays: 30 } },
  { 'account.renewalAt': { inDays: 90 } },
  { 'account.renewalAt': { gte: '2027-01-01', lt: '2027-06-01T00:00:00Z' } },
  { 'usage.features.tasks.count': 0 },
  { 'usage.milestones.firstProjectCreated': true },
  { tier: { in: ['low', 'tech'] }, 'health.score': { gte: 40 } },
  { 'usage.featuresUsed': { gte: 2 } },
  {
    all: [{ segment: 'busy' }, { any: [{ 'usage.logins30d': { gt: 25 } }, { tier: 'low' }] }],
    not: { 'account.industry': 'retail' },
  },
  { any: [{ not: { segment: 'busy' } }, { 'account.caseStudy': true }] },
];

function env(): RuleEnv {
  const busy: Predicate = (s) => (s.contact?.usage.logins30d ?? 0) > 10;
  return { fields, scope: 'contact', issues: [], segment: () => busy };
}

const iso = (offsetDays: number) => new Date(NOW + offsetDays * DAY_MS).toISOString();
const subjects = fc
  .record({
    role: fc.constantFrom('admin', 'user', 'owner'),
    industry: fc.option(fc.constantFrom('finance', 'retail', 'media'), { nil: undefined }),
    renewal: fc.option(fc.integer({ min: -30, max: 400 }), { nil: undefined }),
    signup: fc.integer({ min: -60, max: 5 }),
    logins30d: fc.integer({ min: 0, max: 40 }),
    features: fc.subarray(FEATURES),
    lastUsed: fc.integer({ min: 0, max: 60 }),
    milestone: fc.boolean(),
    optOut: fc.boolean(),
    tier: fc.option(fc.constantFrom('high' as const, 'low' as const, 'tech' as const), { nil: undefined }),
    score: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    name: fc.constantFrom('Acme', 'Bolt', ''),
  })
  .map((r) => {
    const usage: Contact['usage'] = {
      logins7d: Math.floor(r.logins30d / 4),
      logins30d: r.logins30d,
      helpVisits30d: 0,
      features: Object.fromEntries(
        r.features.map((f) => [f, { count: r.logins30d % 3, lastUsedAt: iso(-r.lastUsed) }]),
      ),
      milestones: r.milestone ? { firstProjectCreated: iso(-1) } : {},
    };
    return subjectOf(
      prepareAccount(
        account({
          name: r.name || 'A',
          ...(r.industry ? { industry: r.industry } : {}),
          ...(r.renewal !== undefined ? { renewalAt: iso(r.renewal) } : {}),
          tier: r.tier,
          ...(r.score !== undefined
            ? { health: { score: r.score, color: 'yellow', measures: {}, computedAt: iso(0) } }
            : {}),
        }),
      ),
      contact({
        role: r.role,
        signedUpAt: iso(r.signup),
        topicOptOuts: r.optOut ? ['product-updates'] : [],
        usage,
      }),
      NOW,
    );
  });

describe('generated rule code', () => {
  it('decides exactly as the interpreted closures for every operator on any subject', () => {
    const pairs = RULES.map((rule) => {
      const e = env();
      const generated = compileRule(rule, [], e);
      const interpreted = interpretRule(rule, [], e);
      expect(e.issues).toEqual([]);
      // the compiled rule is generated code, not the closures
      expect(String(generated)).toContain('k[');
      expect(String(interpreted)).not.toContain('k[');
      return { rule, generated, interpreted };
    });
    let matched = 0;
    fc.assert(
      fc.property(subjects, (subject) => {
        for (const { generated, interpreted } of pairs) {
          const expected = interpreted(subject);
          expect(generated(subject)).toBe(expected);
          if (expected) matched++;
        }
      }),
      { numRuns: 500, seed: 7 },
    );
    // the rules were true for a fair share of subjects, so both outcomes were compared
    expect(matched).toBeGreaterThan(500);
  });

  it('keeps values out of the code: a hostile string stays a string', () => {
    const e = env();
    const rule = compileRule({ 'account.name': { eq: "x'); throw new Error('injected'); ('" } }, [], e);
    expect(e.issues).toEqual([]);
    const subject = subjectOf(
      prepareAccount(account({ name: "x'); throw new Error('injected'); ('" })),
      contact(),
      NOW,
    );
    expect(rule(subject)).toBe(true);
  });
});
