import { describe, expect, it } from 'vitest';
import { safeParseYaml, YAML_LIMITS } from '../../../functions/core/shared/safe-yaml.ts';
import { describeValue, printable } from '../../../functions/core/shared/suggest.ts';
import { parseTemplateFile } from '../../../functions/core/templates/source.ts';

const BOMB = `a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
`;

function only(result: ReturnType<typeof safeParseYaml>) {
  expect(result.data).toBeUndefined();
  expect(result.problems).toHaveLength(1);
  const [problem] = result.problems;
  return `${problem?.file}:${problem?.line}:${problem?.col}  ${problem?.message}`;
}

describe('safeParseYaml', () => {
  it('parses ordinary YAML, and keeps a few aliases', () => {
    const result = safeParseYaml('a.yaml', 'base: &b { x: 1 }\nother: *b\n');
    expect(result.problems).toEqual([]);
    expect(result.data).toEqual({ base: { x: 1 }, other: { x: 1 } });
  });

  it('stops an alias bomb at its first alias, with the limit', () => {
    expect(only(safeParseYaml('bomb.yaml', BOMB))).toBe(
      `bomb.yaml:2:8  YAML aliases (*name) expand to too much data (more than ${YAML_LIMITS.maxAliasCount} copies); write the values out instead of nesting anchors`,
    );
  });

  it.each([
    ['flow', `when: ${'{ not: '.repeat(2000)}{ tier: high }${' }'.repeat(2000)}\n`, 1],
    ['block', `when:\n${Array.from({ length: 500 }, (_, i) => `${' '.repeat(2 + i)}not:\n`).join('')}`, 65],
    ['sequence', `x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 1],
  ])(
    'turns %s nesting thousands of levels deep into one message, never a stack overflow',
    (_, text, line) => {
      const message = only(safeParseYaml('deep.yaml', text));
      expect(message).toBe(
        `deep.yaml:${line}:1  nesting is deeper than ${YAML_LIMITS.maxDepth} levels (expected rules a few levels deep; flatten the nested not/all/any)`,
      );
    },
  );

  it('finds nesting made deep through aliases', () => {
    const level = (name: string, inner: string) =>
      `${name}: &${name} ${'{ not: '.repeat(40)}${inner}${' }'.repeat(40)}`;
    const lines = [level('l0', '{ tier: high }'), level('l1', '*l0')];
    const message = only(safeParseYaml('deep.yaml', `${lines.join('\n')}\n`));
    expect(message).toMatch(/^deep\.yaml:2:\d+ {2}nesting is deeper than 64 levels/);
  });

  it('reports binary, non-UTF-8 and oversized input at the right line, without echoing bytes', () => {
    const binary = new Uint8Array([0x69, 0x64, 0x3a, 0x20, 0x78, 0x0a, 0x1b, 0x5b, 0x32, 0x4a, 0x00, 0x07]);
    expect(only(safeParseYaml('b.yaml', binary))).toBe(
      'b.yaml:2:5  file looks binary (a NUL byte at line 2); campaign files and front matter are UTF-8 text',
    );
    const latin1 = new Uint8Array([...new TextEncoder().encode('id: x\nname: caf'), 0xe9, 0x0a]);
    expect(only(safeParseYaml('l.yaml', latin1))).toBe(
      'l.yaml:2:10  file is not UTF-8 (byte \\xe9 at line 2); save it as UTF-8 (in most editors: "Save with encoding" → UTF-8)',
    );
    const big = `a: "${'x'.repeat(YAML_LIMITS.maxBytes)}"\n`;
    expect(only(safeParseYaml('big.yaml', big))).toBe(
      'big.yaml:1:1  file is 1.0 MB, over the 1.0 MB limit for a YAML file (is this the right file? split it if it is)',
    );
  });

  it('rejects stray control characters and shows them escaped', () => {
    expect(only(safeParseYaml('c.yaml', 'id: x\nname: "a\u001b]0;title\u0007"\n'))).toBe(
      'c.yaml:2:9  control character \\x1b is not allowed in YAML (it is invisible in most editors; delete it, or retype the line)',
    );
  });

  it('shifts lines for text that starts inside a file (front matter)', () => {
    const result = safeParseYaml('t.mjml', 'subject: [unclosed\n', { firstLine: 2 });
    expect(result.problems[0]?.line).toBeGreaterThanOrEqual(2);
  });
});

describe('template front matter uses the same safe parse', () => {
  it('reports an alias bomb in front matter at its line in the template file', () => {
    const result = parseTemplateFile(
      'templates/x/y.en.mjml',
      `---\nsubject: Hi\n${BOMB}---\n<mj-text>x</mj-text>\n`,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      {
        file: 'templates/x/y.en.mjml',
        line: 4,
        column: 8,
        message: `front matter: YAML aliases (*name) expand to too much data (more than ${YAML_LIMITS.maxAliasCount} copies); write the values out instead of nesting anchors`,
      },
    ]);
  });
});

describe('printable messages', () => {
  it('escapes control and bidi characters, and clips long values', () => {
    expect(printable('a\u0000b\u001b[2Jc\u202ed\ne')).toBe('a\\x00b\\x1b[2Jc\\u202ed\\ne');
    expect(describeValue('\u001b]0;x\u0007')).toBe('"\\x1b]0;x\\x07"');
    expect(describeValue('y'.repeat(200))).toBe(`"${'y'.repeat(80)}…"`);
  });
});
