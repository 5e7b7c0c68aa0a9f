import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../../../functions/core/campaign/fields.ts';
import {
  compileRule,
  interpretRule,
  type Predicate,
  type RuleEnv,
  type RuleIssue,
} from '../../../functions/core/campaign/rules.ts';
import { prepareAccount, type Subject, subjectOf } from '../../../functions/core/campaign/subject.ts';
import { DAY_MS } from '../../../functions/core/shared/duration.ts';
import { account, contact } from './fixtures.ts';

// Every operator at its boundaries, through both the generated function and the interpreted closures, so
// that changing either one (an operator flipped, a bound made strict, a branch forced) fails a test.

const NOW = Date.parse('2026-12-01T00:00:00Z');

/** The value each test field returns; set per case. */
let value: unknown;
const field = (path: string, type: FieldDef['type'], extra: Partial<FieldDef> = {}): [string, FieldDef] => [
  path,
  { path, type, scope: 'contact', get: () => value, ...extra },
];
const fields: ReadonlyMap<string, FieldDef> = new Map([
  field('n', 'number'),
  field('d', 'date'),
  field('t', 'string'),
  field('tier', 'string', { values: ['high', 'low', 'tech'], scope: 'account' }),
  field('b', 'boolean'),
  field('l', 'string[]'),
  field('acct', 'number', { scope: 'account' }),
]);

function envOf(issues: RuleIssue[], scope: 'account' | 'contact' = 'contact', segments = {}): RuleEnv {
  const known: Record<string, Predicate> = segments;
  return {
    fields,
    scope,
    issues,
    segment: (name, at) => {
      const found = known[name];
      if (!found) issues.push({ path: at, message: `unknown segment "${name}"` });
      return found;
    },
  };
}

const subject: Subject = subjectOf(prepareAccount(account()), contact(), NOW);

/** Evaluates a valid rule on `v` through both compilers and checks that they agree. */
function both(rule: unknown, v: unknown, segments: Record<string, Predicate> = {}): boolean {
  const issues: RuleIssue[] = [];
  const generated = compileRule(rule, [], envOf(issues, 'contact', segments));
  const interpreted = interpretRule(rule, [], envOf(issues, 'contact', segments));
  expect(issues).toEqual([]);
  value = v;
  const a = generated(subject);
  const b = interpreted(subject);
  expect({ rule, v, generated: a }).toEqual({ rule, v, generated: b });
  return a;
}

function issuesOf(rule: unknown, scope: 'account' | 'contact' = 'contact'): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const pred = compileRule(rule, ['when'], envOf(issues, scope));
  const interpreted = interpretRule(rule, ['when'], envOf([], scope));
  // a rule with problems never matches, whatever the value
  for (const v of [undefined, 0, 5, NOW, 'x', true, ['x']]) {
    value = v;
    expect(pred(subject)).toBe(false);
    expect(interpreted(subject)).toBe(false);
  }
  return issues;
}

const at = (days: number) => NOW + days * DAY_MS;
const iso = (days: number) => new Date(at(days)).toISOString();

describe('rule operators at their boundaries (generated and interpreted alike)', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['eq equal', { n: { eq: 5 } }, 5, true],
    ['eq different', { n: { eq: 5 } }, 6, false],
    ['eq missing', { n: { eq: 5 } }, undefined, false],
    ['eq shorthand', { t: 'x' }, 'x', true],
    ['eq shorthand different', { t: 'x' }, 'y', false],
    ['eq boolean', { b: false }, false, true],
    ['eq boolean different', { b: false }, true, false],
    ['ne equal', { n: { ne: 5 } }, 5, false],
    ['ne different', { n: { ne: 5 } }, 6, true],
    ['ne missing', { n: { ne: 5 } }, undefined, true],
    ['ne text equal', { t: { ne: 'admin' } }, 'admin', false],
    ['ne text different', { t: { ne: 'admin' } }, 'user', true],
    ['in member', { t: { in: ['a', 'b'] } }, 'b', true],
    ['in other', { t: { in: ['a', 'b'] } }, 'c', false],
    ['in missing', { t: { in: ['a', 'b'] } }, undefined, false],
    ['nin member', { t: { nin: ['a', 'b'] } }, 'a', false],
    ['nin other', { t: { nin: ['a', 'b'] } }, 'c', true],
    ['nin missing', { t: { nin: ['a'] } }, undefined, true],
    ['gt above', { n: { gt: 5 } }, 6, true],
    ['gt equal', { n: { gt: 5 } }, 5, false],
    ['gt below', { n: { gt: 5 } }, 4, false],
    ['gt missing', { n: { gt: -1 } }, undefined, false],
    ['gte above', { n: { gte: 5 } }, 6, true],
    ['gte equal', { n: { gte: 5 } }, 5, true],
    ['gte below', { n: { gte: 5 } }, 4, false],
    ['gte missing', { n: { gte: -1 } }, undefined, false],
    ['lt above', { n: { lt: 5 } }, 6, false],
    ['lt equal', { n: { lt: 5 } }, 5, false],
    ['lt below', { n: { lt: 5 } }, 4, true],
    ['lt missing', { n: { lt: 99 } }, undefined, false],
    ['lte above', { n: { lte: 5 } }, 6, false],
    ['lte equal', { n: { lte: 5 } }, 5, true],
    ['lte below', { n: { lte: 5 } }, 4, true],
    ['lte missing', { n: { lte: 99 } }, undefined, false],
    ['between low end', { n: { between: [3, 7] } }, 3, true],
    ['between high end', { n: { between: [3, 7] } }, 7, true],
    ['between inside', { n: { between: [3, 7] } }, 5, true],
    ['between below', { n: { between: [3, 7] } }, 2, false],
    ['between above', { n: { between: [3, 7] } }, 8, false],
    ['between one point', { n: { between: [3, 3] } }, 3, true],
    ['between missing', { n: { between: [-1, 1] } }, undefined, false],
    ['exists on a value', { t: { exists: true } }, 'x', true],
    ['exists on zero', { n: { exists: true } }, 0, true],
    ['exists on missing', { t: { exists: true } }, undefined, false],
    ['exists on null', { t: { exists: true } }, null, false],
    ['exists on empty text', { t: { exists: true } }, '', false],
    ['not exists on a value', { t: { exists: false } }, 'x', false],
    ['not exists on missing', { t: { exists: false } }, undefined, true],
    ['not exists on null', { t: { exists: false } }, null, true],
    ['not exists on empty text', { t: { exists: false } }, '', true],
    ['contains in a list', { l: { contains: 'b' } }, ['a', 'b'], true],
    ['contains not in a list', { l: { contains: 'c' } }, ['a', 'b'], false],
    ['contains shorthand on a list', { l: 'a' }, ['a'], true],
    ['contains shorthand not in a list', { l: 'a' }, ['b'], false],
    ['contains in text', { t: { contains: 'cm' } }, 'Acme', true],
    ['contains not in text', { t: { contains: 'zz' } }, 'Acme', false],
    ['contains on missing text', { t: { contains: 'a' } }, undefined, false],
    ['contains on an empty list', { l: { contains: 'a' } }, [], false],
    ['withinDays now', { d: { withinDays: 3 } }, at(0), true],
    ['withinDays at the edge', { d: { withinDays: 3 } }, at(-3), true],
    ['withinDays just past the edge', { d: { withinDays: 3 } }, at(-3) - 1, false],
    ['withinDays in the future', { d: { withinDays: 3 } }, at(0) + 1, false],
    ['withinDays missing', { d: { withinDays: 3 } }, undefined, false],
    ['withinDays 0 now', { d: { withinDays: 0 } }, at(0), true],
    ['olderThanDays at the edge', { d: { olderThanDays: 30 } }, at(-30), false],
    ['olderThanDays past the edge', { d: { olderThanDays: 30 } }, at(-30) - 1, true],
    ['olderThanDays recent', { d: { olderThanDays: 30 } }, at(-1), false],
    ['olderThanDays missing', { d: { olderThanDays: 0 } }, undefined, false],
    ['inDays now', { d: { inDays: 90 } }, at(0), true],
    ['inDays at the edge', { d: { inDays: 90 } }, at(90), true],
    ['inDays past the edge', { d: { inDays: 90 } }, at(90) + 1, false],
    ['inDays in the past', { d: { inDays: 90 } }, at(0) - 1, false],
    ['inDays missing', { d: { inDays: 90 } }, undefined, false],
    ['date literal equal', { d: { gte: iso(0) } }, at(0), true],
    ['date literal before', { d: { gte: iso(0) } }, at(0) - 1, false],
    ['date-only literal', { d: { lt: '2026-12-02' } }, at(1) - 1, true],
    ['date-only literal reached', { d: { lt: '2026-12-02' } }, at(1), false],
    ['date literal with offset', { d: { eq: '2026-12-01T09:00:00+09:00' } }, at(0), true],
    ['enumerated value', { tier: 'low' }, 'low', true],
    ['two operators: both hold', { n: { gt: 1, lt: 9 } }, 5, true],
    ['two operators: first fails', { n: { gt: 1, lt: 9 } }, 1, false],
    ['two operators: second fails', { n: { gt: 1, lt: 9 } }, 9, false],
    ['three operators: all hold', { n: { gt: 1, lt: 9, ne: 4 } }, 5, true],
    ['three operators: last fails', { n: { gt: 1, lt: 9, ne: 5 } }, 5, false],
    ['three operators: first fails', { n: { gt: 5, lt: 9, ne: 4 } }, 5, false],
  ])('%s', (_name, rule, v, expected) => {
    expect(both(rule, v)).toBe(expected);
  });
});

describe('rule combinators (generated and interpreted alike)', () => {
  const yes = { n: { gte: 0 } };
  const no = { n: { lt: 0 } };
  it.each<[string, unknown, boolean]>([
    ['all of one true', { all: [yes] }, true],
    ['all of one false', { all: [no] }, false],
    ['all of two true', { all: [yes, yes] }, true],
    ['all of two, first false', { all: [no, yes] }, false],
    ['all of two, second false', { all: [yes, no] }, false],
    ['all of three true', { all: [yes, yes, yes] }, true],
    ['all of three, last false', { all: [yes, yes, no] }, false],
    ['all of three, middle false', { all: [yes, no, yes] }, false],
    ['any of one true', { any: [yes] }, true],
    ['any of one false', { any: [no] }, false],
    ['any of two false', { any: [no, no] }, false],
    ['any of two, second true', { any: [no, yes] }, true],
    ['any of two, first true', { any: [yes, no] }, true],
    ['any of three, last true', { any: [no, no, yes] }, true],
    ['any of three false', { any: [no, no, no] }, false],
    ['not true', { not: yes }, false],
    ['not false', { not: no }, true],
    ['not not', { not: { not: yes } }, true],
    ['keys of one mapping are all required', { n: { gte: 0 }, t: { exists: false } }, false],
    ['nested', { any: [{ all: [yes, no] }, { not: { any: [no, no] } }] }, true],
  ])('%s', (_name, rule, expected) => {
    expect(both(rule, 1)).toBe(expected);
  });

  it('calls a segment predicate with the subject and uses its answer', () => {
    const seen: Subject[] = [];
    const segments = {
      on: (s: Subject) => {
        seen.push(s);
        return true;
      },
      off: () => false,
    };
    expect(both({ segment: 'on' }, 1, segments)).toBe(true);
    expect(both({ segment: 'off' }, 1, segments)).toBe(false);
    expect(both({ not: { segment: 'off' } }, 1, segments)).toBe(true);
    expect(both({ segment: 'on', n: { gt: 5 } }, 1, segments)).toBe(false);
    expect(seen.every((s) => s === subject)).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('the compiled rule is one generated function', () => {
  it('turns a valid rule into generated source over the subject', () => {
    const pred = compileRule({ n: { ne: 5 }, t: { in: ['a'] } }, [], envOf([]));
    const source = pred.toString();
    expect(source).toContain('!== 5');
    expect(source).toContain('.has(');
    expect(interpretRule({ n: { ne: 5 } }, [], envOf([])).toString()).not.toContain('!== 5');
  });
  it('keeps its own constants per rule, even when rules are compiled one after the other', () => {
    const a = compileRule({ t: { in: ['a'] } }, [], envOf([]));
    const b = compileRule({ t: { in: ['b'] }, l: { contains: 'x' } }, [], envOf([]));
    value = 'a';
    expect(a(subject)).toBe(true);
    expect(b(subject)).toBe(false);
    value = 'b';
    expect(a(subject)).toBe(false);
  });
  it('a broken rule under not, or an nin without values, still never matches', () => {
    for (const rule of [
      { not: {} },
      { not: { n: { gte: 'x' } } },
      { t: { nin: 'a' } },
      { any: [{ not: { zz: 1 } }] },
    ]) {
      const issues: RuleIssue[] = [];
      const generated = compileRule(rule, [], envOf(issues));
      const interpreted = interpretRule(rule, [], envOf([]));
      value = 'b';
      expect(issues.length).toBeGreaterThan(0);
      expect([generated(subject), interpreted(subject)]).toEqual([false, false]);
    }
  });
  it('a rule with problems compiles to "never"', () => {
    const issues: RuleIssue[] = [];
    const pred = compileRule({ n: { gte: 0 }, nope: 1 }, [], envOf(issues));
    value = 3;
    expect(pred(subject)).toBe(false);
    expect(issues).toHaveLength(1);
  });
});

describe('rule problems: exact messages and positions', () => {
  it.each<[string, unknown, RuleIssue[]]>([
    [
      'not a mapping',
      'admin',
      [
        {
          path: ['when'],
          message: 'a rule must be a mapping such as { usage.logins30d: { gte: 5 } } (got "admin")',
        },
      ],
    ],
    [
      'a list instead of a mapping',
      [{ n: 1 }],
      [{ path: ['when'], message: expect.stringContaining('a rule must be a mapping') }],
    ],
    [
      'null instead of a mapping',
      null,
      [{ path: ['when'], message: expect.stringContaining('a rule must be a mapping') }],
    ],
    [
      'empty rule',
      {},
      [{ path: ['when'], message: 'an empty rule matches nothing useful; give at least one condition' }],
    ],
    [
      'all is not a list',
      { all: { n: 1 } },
      [
        {
          path: ['when', 'all'],
          message: expect.stringMatching(/^all expects a non-empty list of rules \(got /),
        },
      ],
    ],
    [
      'any is empty',
      { any: [] },
      [
        {
          path: ['when', 'any'],
          message: expect.stringMatching(/^any expects a non-empty list of rules \(got /),
        },
      ],
    ],
    [
      'bad item inside any',
      { any: [{ n: 1 }, 'x'] },
      [{ path: ['when', 'any', 1], message: expect.stringContaining('a rule must be a mapping') }],
    ],
    [
      'bad rule inside not',
      { not: {} },
      [
        {
          path: ['when', 'not'],
          message: 'an empty rule matches nothing useful; give at least one condition',
        },
      ],
    ],
    [
      'segment not a name',
      { segment: 3 },
      [{ path: ['when', 'segment'], message: 'segment expects a segment id (got number 3)' }],
    ],
    [
      'unknown segment',
      { segment: 'ghosts' },
      [{ path: ['when', 'segment'], message: 'unknown segment "ghosts"' }],
    ],
    [
      'unknown field with a hint',
      { tiers: 'low' },
      [
        {
          path: ['when', 'tiers'],
          atKey: true,
          message:
            'unknown field "tiers" (did you mean "tier"?) (expected a path into account, contact, usage, health or tier, or one of all, any, not, segment)',
        },
      ],
    ],
    [
      'unknown field without a hint',
      { 'zzzzzzzzzzzz.qqqqqqqq': 1 },
      [
        {
          path: ['when', 'zzzzzzzzzzzz.qqqqqqqq'],
          atKey: true,
          message:
            'unknown field "zzzzzzzzzzzz.qqqqqqqq" (expected a path into account, contact, usage, health or tier, or one of all, any, not, segment)',
        },
      ],
    ],
    [
      'unknown operator with a hint',
      { n: { gtee: 1 } },
      [
        {
          path: ['when', 'n', 'gtee'],
          atKey: true,
          message:
            'unknown operator "gtee" (did you mean "gte"?) (expected one of eq, ne, in, nin, gt, gte, lt, lte, between, exists, contains, withinDays, olderThanDays, inDays)',
        },
      ],
    ],
    [
      'unknown operator without a hint',
      { n: { zzzzzzzzzzz: 1 } },
      [
        {
          path: ['when', 'n', 'zzzzzzzzzzz'],
          atKey: true,
          message: expect.stringMatching(/^unknown operator "zzzzzzzzzzz" \(expected one of eq, /),
        },
      ],
    ],
    [
      'no operator',
      { n: {} },
      [{ path: ['when', 'n'], message: 'no operator given for "n" (expected e.g. { gte: 5 })' }],
    ],
    [
      'number expected',
      { n: { gte: 'many' } },
      [{ path: ['when', 'n', 'gte'], message: '"n" compares against a number (got "many")' }],
    ],
    [
      'infinite number',
      { n: { gte: Number.POSITIVE_INFINITY } },
      [
        {
          path: ['when', 'n', 'gte'],
          message: expect.stringMatching(/^"n" compares against a number \(got /),
        },
      ],
    ],
    [
      'boolean expected',
      { b: 'yes' },
      [{ path: ['when', 'b'], message: '"b" compares against true or false (got "yes")' }],
    ],
    [
      'date expected',
      { d: { gte: 'soon' } },
      [
        {
          path: ['when', 'd', 'gte'],
          message: '"d" compares against a date such as 2026-12-01 or 2026-12-01T09:00:00+09:00 (got "soon")',
        },
      ],
    ],
    [
      'date in another spelling',
      { d: { gte: 'December 1, 2026' } },
      [{ path: ['when', 'd', 'gte'], message: expect.stringContaining('compares against a date such as') }],
    ],
    [
      'date with trailing text',
      { d: { gte: 'on 2026-12-01' } },
      [{ path: ['when', 'd', 'gte'], message: expect.stringContaining('compares against a date such as') }],
    ],
    [
      'impossible date',
      { d: { gte: '2026-13-45' } },
      [{ path: ['when', 'd', 'gte'], message: expect.stringContaining('compares against a date such as') }],
    ],
    [
      'date with a one-digit day',
      { d: { gte: '2026-12-1' } },
      [{ path: ['when', 'd', 'gte'], message: expect.stringContaining('compares against a date such as') }],
    ],
    [
      'date inside a list',
      { d: { gte: ['2026-12-01'] } },
      [{ path: ['when', 'd', 'gte'], message: expect.stringContaining('compares against a date such as') }],
    ],
    [
      'date as a number',
      { d: { gte: 20261201 } },
      [{ path: ['when', 'd', 'gte'], message: expect.stringContaining('compares against a date such as') }],
    ],
    [
      'text expected',
      { t: 3 },
      [{ path: ['when', 't'], message: '"t" compares against a text value (got number 3)' }],
    ],
    [
      'enumerated value with a hint',
      { tier: 'hihg' },
      [
        {
          path: ['when', 'tier'],
          message: '"tier" compares against one of high, low, tech (did you mean "high"?) (got "hihg")',
        },
      ],
    ],
    [
      'enumerated value without a hint',
      { tier: 'platinum-plus' },
      [
        {
          path: ['when', 'tier'],
          message: '"tier" compares against one of high, low, tech (got "platinum-plus")',
        },
      ],
    ],
    [
      'eq on a list field',
      { l: { eq: 'x' } },
      [{ path: ['when', 'l', 'eq'], message: 'eq cannot be used on "l" (a list field; use contains)' }],
    ],
    [
      'ne on a list field',
      { l: { ne: 'x' } },
      [{ path: ['when', 'l', 'ne'], message: 'ne cannot be used on "l" (a list field; use contains)' }],
    ],
    [
      'in on a list field',
      { l: { in: ['x'] } },
      [{ path: ['when', 'l', 'in'], message: 'in cannot be used on "l" (a list field; use contains)' }],
    ],
    [
      'in with no values',
      { t: { in: [] } },
      [{ path: ['when', 't', 'in'], message: 'expected a non-empty list of values (got a list ([]))' }],
    ],
    [
      'in with a scalar',
      { t: { nin: 'a' } },
      [{ path: ['when', 't', 'nin'], message: 'expected a non-empty list of values (got "a")' }],
    ],
    [
      'in with one bad value',
      { n: { in: [1, 'two'] } },
      [{ path: ['when', 'n', 'in', 1], message: '"n" compares against a number (got "two")' }],
    ],
    [
      'gt on text',
      { t: { gt: 3 } },
      [{ path: ['when', 't', 'gt'], message: 'gt cannot be used on "t" (it needs a number or date field)' }],
    ],
    [
      'lte on a boolean',
      { b: { lte: 3 } },
      [
        {
          path: ['when', 'b', 'lte'],
          message: 'lte cannot be used on "b" (it needs a number or date field)',
        },
      ],
    ],
    [
      'between on text',
      { t: { between: [1, 2] } },
      [
        {
          path: ['when', 't', 'between'],
          message: 'between cannot be used on "t" (it needs a number or date field)',
        },
      ],
    ],
    [
      'between with one bound',
      { n: { between: [5] } },
      [{ path: ['when', 'n', 'between'], message: 'between expects [low, high] (got a list ([5]))' }],
    ],
    [
      'between with three bounds',
      { n: { between: [1, 2, 3] } },
      [
        {
          path: ['when', 'n', 'between'],
          message: expect.stringMatching(/^between expects \[low, high\] \(got /),
        },
      ],
    ],
    [
      'between not a list',
      { n: { between: 5 } },
      [{ path: ['when', 'n', 'between'], message: 'between expects [low, high] (got number 5)' }],
    ],
    [
      'between reversed',
      { n: { between: [9, 5] } },
      [{ path: ['when', 'n', 'between'], message: 'between expects low ≤ high (got [9, 5])' }],
    ],
    [
      'between with a bad low bound',
      { n: { between: ['a', 5] } },
      [{ path: ['when', 'n', 'between', 0], message: '"n" compares against a number (got "a")' }],
    ],
    [
      'between with a bad high bound',
      { n: { between: [1, 'b'] } },
      [{ path: ['when', 'n', 'between', 1], message: '"n" compares against a number (got "b")' }],
    ],
    [
      'exists with text',
      { t: { exists: 'yes' } },
      [{ path: ['when', 't', 'exists'], message: 'exists expects true or false (got "yes")' }],
    ],
    [
      'contains on a number',
      { n: { contains: 'x' } },
      [
        {
          path: ['when', 'n', 'contains'],
          message: 'contains cannot be used on "n" (it needs a text or list field)',
        },
      ],
    ],
    [
      'contains with a number',
      { l: { contains: 3 } },
      [{ path: ['when', 'l', 'contains'], message: 'contains expects a text value (got number 3)' }],
    ],
    [
      'withinDays on a number',
      { n: { withinDays: 3 } },
      [
        {
          path: ['when', 'n', 'withinDays'],
          message: 'withinDays cannot be used on "n" (it needs a date field)',
        },
      ],
    ],
    [
      'olderThanDays negative',
      { d: { olderThanDays: -1 } },
      [
        {
          path: ['when', 'd', 'olderThanDays'],
          message: 'expected a number of days, 0 or more (got number -1)',
        },
      ],
    ],
    [
      'inDays as text',
      { d: { inDays: '3' } },
      [{ path: ['when', 'd', 'inDays'], message: 'expected a number of days, 0 or more (got "3")' }],
    ],
    [
      'inDays infinite',
      { d: { inDays: Number.POSITIVE_INFINITY } },
      [
        {
          path: ['when', 'd', 'inDays'],
          message: expect.stringMatching(/^expected a number of days, 0 or more/),
        },
      ],
    ],
  ])('%s', (_name, rule, expected) => {
    expect(issuesOf(rule)).toEqual(expected);
  });

  it('accepts zero days and a point range', () => {
    const issues: RuleIssue[] = [];
    compileRule({ d: { withinDays: 0 }, n: { between: [2, 2] } }, [], envOf(issues));
    expect(issues).toEqual([]);
  });

  it('keeps account rules away from contact fields, naming the field', () => {
    expect(issuesOf({ n: { gte: 3 } }, 'account')).toEqual([
      {
        path: ['when', 'n'],
        atKey: true,
        message:
          '"n" is a contact-level field, but this rule is evaluated per account (expected account.*, health.* or tier)',
      },
    ]);
    const issues: RuleIssue[] = [];
    compileRule({ acct: { gte: 3 }, tier: 'low' }, [], envOf(issues, 'account'));
    expect(issues).toEqual([]);
  });

  it('reports every problem of a rule, in order', () => {
    expect(issuesOf({ n: { gte: 'x', lt: 'y' }, all: [], zz: 1 }).map((i) => i.path.join('.'))).toEqual([
      'when.n.gte',
      'when.n.lt',
      'when.all',
      'when.zz',
    ]);
  });
});
