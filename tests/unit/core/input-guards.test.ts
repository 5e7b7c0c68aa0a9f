import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDepthOf, parseGuardedJson, textProblem } from '../../../functions/core/shared/input-guards.ts';
import {
  CLOCK_SKEW_MS,
  futureProblem,
  usageProblem,
} from '../../../functions/core/tracking/usage-validation.ts';

function depth(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depth));
  if (value && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depth));
  return 0;
}

describe('input guards', () => {
  it('measures JSON nesting on the text, ignoring brackets inside strings (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(jsonDepthOf(JSON.stringify(value))).toBe(depth(value));
      }),
    );
    expect(jsonDepthOf('{"a":"[[[{\\"}","b":[1]}')).toBe(2);
  });

  it('refuses 10,000 levels before parsing, and keeps ordinary records', () => {
    const deep = parseGuardedJson(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(deep).toEqual({
      ok: false,
      reason: 'the record nests 10000 levels deep, more than the 64 allowed; send flat event records',
    });
    expect(parseGuardedJson('{"a":[1,{"b":2}]}')).toEqual({ ok: true, value: { a: [1, { b: 2 }] } });
    expect(parseGuardedJson('{"a":')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not JSON/),
    });
  });

  it('names text that is too long, binary or not UTF-8', () => {
    expect(textProblem('x'.repeat(11), 10)).toMatch(/is 11 characters long, more than the 10 allowed/);
    expect(textProblem('a\u0000b', 10)).toMatch(/binary data/);
    expect(textProblem(Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString('utf8'), 10)).toMatch(
      /not valid UTF-8/,
    );
    expect(textProblem('café\ttab', 20)).toBeUndefined();
  });

  it('allows 5 minutes of clock skew, for instants and for days, and checks the account', () => {
    const now = Date.parse('2026-12-01T23:57:00Z');
    expect(futureProblem('at', new Date(now + CLOCK_SKEW_MS).toISOString(), now)).toBeUndefined();
    expect(futureProblem('at', new Date(now + CLOCK_SKEW_MS + 1).toISOString(), now)).toMatch(
      /^at: .* is in the future \(now is 2026-12-01T23:57:00.000Z, 5 minutes of clock skew allowed\)/,
    );
    expect(futureProblem('date', '2026-12-02', now)).toBeUndefined();
    expect(futureProblem('date', '2026-12-03', now)).toMatch(/^date: 2026-12-03 is in the future/);
    const contact = { id: 'c-1', accountId: 'acc-1' };
    expect(usageProblem({ at: '2026-12-01T00:00:00Z', accountId: 'acc-1' }, contact, now)).toBeUndefined();
    expect(usageProblem({ date: '2026-12-01', accountId: 'acc-2' }, contact, now)).toBe(
      'accountId: "acc-2" is not the account of contact c-1 (acc-1); fix it or leave it out',
    );
  });
});
