import { describe, expect, it } from 'vitest';
import { buildFieldTable } from '../../../functions/core/campaign/fields.ts';
import {
  compileRule,
  type Predicate,
  type RuleEnv,
  type RuleIssue,
} from '../../../functions/core/campaign/rules.ts';
import { prepareAccount, subjectOf } from '../../../functions/core/campaign/subject.ts';
import { DAY_MS } from '../../../functions/core/shared/duration.ts';
import { account, contact } from './fixtures.ts';

const NOW = Date.parse('2026-12-01T00:00:00Z');
const fields = buildFieldTable({ features: ['reports', 'tasks'], milestones: ['firstProjectCreated'] });

function env(
  issues: RuleIssue[],
  segments: Record<string, Predicate> = {},
  scope: 'account' | 'contact' = 'contact',
): RuleEnv {
  return {
    fields,
    scope,
    issues,
    segment: (name, at) => {
      const found = segments[name];
      if (!found) issues.push({ path: at, message: `unknown segment "${name}"` });
      return found;
    },
  };
}

function compile(rule: unknown, segments?: Record<string, Predicate>): Predicate {
  const issues: RuleIssue[] = [];
  const predicate = compileRule(rule, [], env(issues, segments));
  expect(issues).toEqual([]);
  return predicate;
}

function errorsOf(rule: unknown, scope: 'account' | 'contact' = 'contact'): string[] {
  const issues: RuleIssue[] = [];
  compileRule(rule, ['when'], env(issues, {}, scope));
  return issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const subject = subjectOf(
  prepareAccount(
    account({
      arr: 3_000_000,
      industry: 'finance',
      renewalAt: new Date(NOW + 60 * DAY_MS).toISOString(),
      tier: 'low',
    }),
  ),
  contact({
    role: 'admin',
    topicOptOuts: ['product-updates'],
    signedUpAt: new Date(NOW - 2 * DAY_MS).toISOString(),
    usage: {
      logins7d: 3,
      logins30d: 12,
      helpVisits30d: 1,
      lastLoginAt: new Date(NOW - DAY_MS).toISOString(),
      features: { reports: { count: 9, lastUsedAt: new Date(NOW - 40 * DAY_MS).toISOString() } },
      milestones: { firstProjectCreated: new Date(NOW - DAY_MS).toISOString() },
    },
  }),
  NOW,
);

describe('rule operators', () => {
  it.each<[string, unknown, boolean]>([
    ['eq (shorthand)', { 'contact.role': 'admin' }, true],
    ['eq', { 'contact.role': { eq: 'user' } }, false],
    ['ne', { 'contact.role': { ne: 'user' } }, true],
    ['ne on a missing value', { 'account.csmId': { ne: 'x' } }, true],
    ['in', { 'account.industry': { in: ['finance', 'retail'] } }, true],
    ['nin', { 'account.industry': { nin: ['finance'] } }, false],
    ['gt', { 'usage.logins30d': { gt: 12 } }, false],
    ['gte', { 'usage.logins30d': { gte: 12 } }, true],
    ['lt', { 'usage.logins7d': { lt: 3 } }, false],
    ['lte', { 'usage.logins7d': { lte: 3 } }, true],
    ['between (inclusive)', { 'usage.logins30d': { between: [4, 12] } }, true],
    ['between outside', { 'usage.logins30d': { between: [13, 20] } }, false],
    ['exists true', { 'account.renewalAt': { exists: true } }, true],
    ['exists false on a missing field', { 'account.trialEndsAt': { exists: false } }, true],
    ['contains on a list', { 'contact.topicOptOuts': { contains: 'product-updates' } }, true],
    ['contains shorthand on a list', { 'contact.topicOptOuts': 'onboarding-tips' }, false],
    ['contains on text', { 'account.name': { contains: 'cm' } }, true],
    ['withinDays', { 'contact.signedUpAt': { withinDays: 3 } }, true],
    ['withinDays too short', { 'contact.signedUpAt': { withinDays: 1 } }, false],
    ['olderThanDays', { 'usage.features.reports.lastUsedAt': { olderThanDays: 30 } }, true],
    ['olderThanDays on a missing date', { 'usage.features.tasks.lastUsedAt': { olderThanDays: 30 } }, false],
    ['inDays', { 'account.renewalAt': { inDays: 90 } }, true],
    ['inDays too short', { 'account.renewalAt': { inDays: 30 } }, false],
    ['gte on a date', { 'account.renewalAt': { gte: '2027-01-01' } }, true],
    ['feature count', { 'usage.features.reports.count': { gte: 5 } }, true],
    ['unused feature counts as 0', { 'usage.features.tasks.count': 0 }, true],
    ['milestone reached', { 'usage.milestones.firstProjectCreated': true }, true],
    ['tier', { tier: 'low' }, true],
    ['health missing', { 'health.score': { gte: 0 } }, false],
    ['features used', { 'usage.featuresUsed': 1 }, true],
  ])('%s', (_name, rule, expected) => {
    expect(compile(rule)(subject)).toBe(expected);
  });

  it('combines all, any, not and segments', () => {
    const admin = compile({ 'contact.role': 'admin' });
    const rule = compile(
      {
        all: [{ segment: 'admins' }, { any: [{ 'usage.logins30d': { gt: 100 } }, { tier: 'low' }] }],
        not: { 'account.industry': 'retail' },
      },
      { admins: admin },
    );
    expect(rule(subject)).toBe(true);
    expect(compile({ not: { segment: 'admins' } }, { admins: admin })(subject)).toBe(false);
  });

  it('treats several keys in one mapping as all of them', () => {
    expect(compile({ 'contact.role': 'admin', 'usage.logins30d': { gt: 50 } })(subject)).toBe(false);
  });
});

describe('rule errors', () => {
  it('names an unknown path and suggests the closest field', () => {
    expect(errorsOf({ 'usage.login30d': { gte: 3 } })).toEqual([
      expect.stringMatching(
        /^when\.usage\.login30d: unknown field "usage\.login30d" \(did you mean "usage\.logins30d"\?\)/,
      ),
    ]);
  });
  it('rejects unknown features and milestones via the catalog', () => {
    expect(errorsOf({ 'usage.features.chat.count': 1 })[0]).toContain(
      'unknown field "usage.features.chat.count"',
    );
    expect(errorsOf({ 'usage.milestones.nope': true })[0]).toContain('unknown field');
  });
  it('rejects an unknown operator with a suggestion', () => {
    expect(errorsOf({ 'usage.logins30d': { gtee: 3 } })[0]).toContain(
      'unknown operator "gtee" (did you mean "gte"?)',
    );
  });
  it('checks value types against the field', () => {
    expect(errorsOf({ 'usage.logins30d': { gte: 'many' } })[0]).toContain(
      'compares against a number (got "many")',
    );
    expect(errorsOf({ 'account.caseStudy': 'yes' })[0]).toContain('true or false');
    expect(errorsOf({ 'account.renewalAt': { gte: 'soon' } })[0]).toContain('a date');
    expect(errorsOf({ tier: 'hihg' })[0]).toContain('one of high, low, tech (did you mean "high"?)');
  });
  it('checks operator/field compatibility', () => {
    expect(errorsOf({ 'contact.role': { gt: 3 } })[0]).toContain('gt cannot be used on "contact.role"');
    expect(errorsOf({ 'usage.logins30d': { withinDays: 3 } })[0]).toContain('needs a date field');
    expect(errorsOf({ 'contact.topicOptOuts': { eq: 'x' } })[0]).toContain('use contains');
    expect(errorsOf({ 'usage.logins30d': { contains: 'x' } })[0]).toContain('text or list field');
  });
  it('checks operator arguments', () => {
    expect(errorsOf({ 'usage.logins30d': { between: [5] } })[0]).toContain('between expects [low, high]');
    expect(errorsOf({ 'usage.logins30d': { between: [9, 5] } })[0]).toContain('low ≤ high');
    expect(errorsOf({ 'usage.logins30d': { in: [] } })[0]).toContain('non-empty list');
    expect(errorsOf({ 'account.renewalAt': { inDays: -3 } })[0]).toContain('number of days');
    expect(errorsOf({ 'account.renewalAt': { exists: 'yes' } })[0]).toContain('exists expects true or false');
    expect(errorsOf({ 'account.name': { contains: 3 } })[0]).toContain('contains expects a text value');
  });
  it('rejects malformed combinators', () => {
    expect(errorsOf({ all: [] })[0]).toContain('all expects a non-empty list');
    expect(errorsOf({ any: 'x' })[0]).toContain('any expects a non-empty list');
    expect(errorsOf({})[0]).toContain('an empty rule');
    expect(errorsOf('admin')[0]).toContain('a rule must be a mapping');
    expect(errorsOf({ segment: 3 })[0]).toContain('segment expects a segment id');
    expect(errorsOf({ segment: 'ghosts' })[0]).toContain('unknown segment "ghosts"');
  });
  it('keeps account-level rules away from contact fields', () => {
    expect(errorsOf({ 'usage.logins30d': { gte: 3 } }, 'account')[0]).toContain('contact-level field');
    expect(errorsOf({ 'account.arr': { gte: 3 } }, 'account')).toEqual([]);
  });
});
