import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodIssuesToErrors } from '../../../functions/core/campaign/schema-messages.ts';
import { parseYamlSource } from '../../../functions/core/campaign/yaml-source.ts';

// One schema with a field for each kind of zod issue, so every kind is seen turned into author wording.
const Schema = z.strictObject({
  mode: z.union([z.literal('never'), z.strictObject({ after: z.string() })]).optional(),
  color: z.enum(['green', 'yellow', 'red']).optional(),
  count: z.number().int().optional(),
  step: z.number().multipleOf(5).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
  site: z.url().optional(),
  mail: z.email().optional(),
  code: z
    .string()
    .regex(/^[a-z]+$/)
    .optional(),
  short: z.string().max(3).optional(),
  name: z.string().min(1).optional(),
  list: z.array(z.string()).min(1).max(2).optional(),
  ratio: z.number().min(0).max(1).optional(),
  even: z
    .number()
    .refine((n) => n % 2 === 0, { message: 'an even number such as 2' })
    .optional(),
  labels: z.record(z.string().regex(/^[a-z]{2}$/, 'a two-letter locale such as en'), z.string()).optional(),
  required: z.string(),
});

function messages(yaml: string): string[] {
  const { source } = parseYamlSource('f.yaml', yaml);
  const parsed = Schema.safeParse(source.data);
  if (parsed.success) return [];
  return zodIssuesToErrors(source, Schema, parsed.error.issues).map(
    (e) => `${e.line}:${e.col}  ${e.message}`,
  );
}

describe('schema messages say what was expected, what was found, and how to fix it', () => {
  it.each([
    ['mode: sometimes', '1:7  mode: expected one of never or a mapping { after: … }, got "sometimes"'],
    ['mode: { aftr: 2d }', '1:9  mode.aftr: unknown key "aftr" (did you mean "after"?)'],
    ['color: gren', '1:8  color: expected one of green, yellow, red, got "gren" (did you mean "green"?)'],
    ['count: 1.5', '1:8  count: expected a whole number such as 10, got number 1.5'],
    ['count: many', '1:8  count: expected a whole number such as 10, got "many"'],
    ['step: 7', '1:7  step: expected a multiple of 5, got number 7'],
    [
      'at: next monday',
      '1:5  at: expected an ISO date-time with a UTC offset, such as 2026-12-09T10:00:00+09:00, got "next monday"',
    ],
    [
      'site: example.com',
      '1:7  site: expected a full URL such as https://app.example.com/settings, got "example.com"',
    ],
    ['mail: someone', '1:7  mail: expected an email address such as cs@example.com, got "someone"'],
    ['code: ABC', '1:7  code: expected text matching /^[a-z]+$/, got "ABC"'],
    ['short: abcdef', '1:8  short: expected at most 3 characters, got 6 characters'],
    ['name: ""', '1:7  name: expected non-empty text, got ""'],
    ['list: []', '1:7  list: expected at least 1 entry, got an empty list'],
    ['list: [a, b, c]', '1:7  list: expected at most 2 entries, got 3'],
    ['ratio: 2', '1:8  ratio: expected a number at most 1, got number 2'],
    ['even: 3', '1:7  even: expected an even number such as 2, got number 3'],
    [
      'labels: { english: x }',
      '1:11  labels.english: unknown key "english" (expected a two-letter locale such as en)',
    ],
    ['colour: red', '1:1  colour: unknown key "colour" (did you mean "color"?)'],
  ])('%s', (line, expected) => {
    expect(messages(`${line}\nrequired: x\n`)).toEqual([expected]);
  });

  it('names a missing key and what to write there', () => {
    expect(messages('color: red\n')).toEqual([
      '1:1  (top level): missing required key "required" (expected required: text)',
    ]);
  });

  it('never shows zod wording', () => {
    const all = messages('mode: 1\ncolor: 2\ncount: x\nat: 3\nsite: 4\nlist: 5\nlabels: 6\n').join('\n');
    expect(all).not.toMatch(/Invalid|Too small|Too big|Unrecognized|received/);
  });
});
