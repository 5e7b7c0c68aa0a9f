import { z } from 'zod';
import { closest, describeValue } from '../shared/suggest.ts';
import type { DocPath } from './rules.ts';
import { locate, type ProgramError, pathText, valueAt, type YamlSource } from './yaml-source.ts';

type AnySchema = z.core.$ZodType;

/** The schema that applies at a document path, following objects, lists, records and unions. */
export function schemaAt(schema: AnySchema, path: DocPath): AnySchema | undefined {
  let node: AnySchema | undefined = schema;
  for (const seg of path) {
    node = unwrap(node);
    if (node instanceof z.ZodUnion)
      node = unwrap(
        node.options.find((o: AnySchema) => {
          const inner = unwrap(o);
          return typeof seg === 'number'
            ? inner instanceof z.ZodArray
            : inner instanceof z.ZodObject || inner instanceof z.ZodRecord;
        }),
      );
    if (node instanceof z.ZodObject) node = node.shape[String(seg)];
    else if (node instanceof z.ZodArray) node = node.element;
    else if (node instanceof z.ZodRecord) node = node.valueType;
    else return undefined;
  }
  return unwrap(node);
}

/** The keys an object schema allows at a path, for "expected one of" hints. */
export function allowedKeys(schema: AnySchema, path: DocPath): string[] {
  let node = schemaAt(schema, path);
  if (node instanceof z.ZodUnion)
    node = unwrap(node.options.find((o: AnySchema) => unwrap(o) instanceof z.ZodObject));
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

function unwrap(node: AnySchema | undefined): AnySchema | undefined {
  let current = node;
  for (let i = 0; i < 10 && current; i++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodNullable
    )
      current = current.unwrap();
    else if (current instanceof z.ZodPipe) current = current.in;
    else break;
  }
  return current;
}

const TYPE_WORDS: Record<string, string> = {
  array: 'a list such as [a, b]',
  object: 'a mapping of keys to values',
  record: 'a mapping of keys to values',
  string: 'text',
  number: 'a number',
  int: 'a whole number such as 10',
  boolean: 'true or false',
};

const FORMAT_WORDS: Record<string, string> = {
  datetime: 'an ISO date-time with a UTC offset, such as 2026-12-09T10:00:00+09:00',
  date: 'a date such as 2026-12-09',
  url: 'a full URL such as https://app.example.com/settings',
  email: 'an email address such as cs@example.com',
};

// zod's built-in wording ("Invalid input", "Too small: …") is replaced; messages written in the schemas stay.
function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too (small|big)|Unrecognized|Expected)\b/.test(message);
}

function word(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A short description of what a schema accepts, for union and fallback messages. */
export function describeSchema(schema: AnySchema | undefined): string | undefined {
  const node = unwrap(schema);
  if (!node) return undefined;
  const own = node instanceof z.ZodType ? node.description : undefined;
  if (own) return own;
  if (node instanceof z.ZodLiteral) return [...node.values].map(word).join(' or ');
  if (node instanceof z.ZodEnum) return `one of ${node.options.map(word).join(', ')}`;
  if (node instanceof z.ZodObject) {
    const keys = Object.entries(node.shape)
      .filter(([, v]) => !(v instanceof z.ZodOptional || v instanceof z.ZodDefault))
      .map(([k]) => `${k}: …`);
    if (keys.length > 0) return `a mapping { ${keys.join(', ')} }`;
    return `a mapping with any of ${Object.keys(node.shape).join(', ')}`;
  }
  if (node instanceof z.ZodUnion)
    return `one of ${node.options.map((o: AnySchema) => describeSchema(o) ?? 'another form').join(' or ')}`;
  if (node instanceof z.ZodArray) return TYPE_WORDS.array;
  if (node instanceof z.ZodString) return TYPE_WORDS.string;
  if (node instanceof z.ZodNumber) return node.format === 'safeint' ? TYPE_WORDS.int : TYPE_WORDS.number;
  if (node instanceof z.ZodBoolean) return TYPE_WORDS.boolean;
  return undefined;
}

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, got: unknown): string {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const n = Number(limit);
  switch (issue.origin) {
    case 'array':
    case 'set':
      return small
        ? `expected at least ${n} ${n === 1 ? 'entry' : 'entries'}, got ${Array.isArray(got) && got.length === 0 ? 'an empty list' : describeValue(got)}`
        : `expected at most ${n} entries, got ${Array.isArray(got) ? got.length : describeValue(got)}`;
    case 'string':
      return small
        ? n <= 1
          ? `expected non-empty text, got ${describeValue(got)}`
          : `expected at least ${n} characters, got ${describeValue(got)}`
        : `expected at most ${n} characters, got ${typeof got === 'string' ? `${got.length} characters` : describeValue(got)}`;
    default: {
      const relation = small
        ? issue.inclusive
          ? 'at least'
          : 'above'
        : issue.inclusive
          ? 'at most'
          : 'below';
      return `expected a number ${relation} ${n}, got ${describeValue(got)}`;
    }
  }
}

/** Turns zod issues for one file into positioned errors that say what was expected, what was found and how to fix it. */
export function zodIssuesToErrors(
  source: YamlSource,
  schema: AnySchema,
  issues: readonly z.core.$ZodIssue[],
): ProgramError[] {
  const out: ProgramError[] = [];
  // A missing key whose misspelling is reported as an unknown key ("did you mean") is one mistake, said once.
  const missing = new Map<ProgramError, string>();
  const misspelt = new Set<string>();
  const push = (path: DocPath, message: string, atKey = false) => {
    const pos = locate(source, path, atKey);
    const error = {
      file: source.file,
      line: pos.line,
      col: pos.col,
      message: `${pathText(path)}: ${message}`,
    };
    out.push(error);
    return error;
  };
  const visit = (issue: z.core.$ZodIssue, prefix: DocPath) => {
    const path: DocPath = [
      ...prefix,
      ...issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
    ];
    const got = valueAt(source.data, path);
    const custom = isDefaultMessage(issue.message) ? undefined : issue.message;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = allowedKeys(schema, path);
        for (const key of issue.keys) {
          const hint = closest(key, allowed);
          if (hint) misspelt.add(`${pathText(path)}|${hint}`);
          push(
            [...path, key],
            hint
              ? `unknown key "${key}" (did you mean "${hint}"?)`
              : `unknown key "${key}" (expected one of: ${allowed.join(', ')})`,
            true,
          );
        }
        return;
      }
      case 'invalid_type': {
        const expected =
          custom ?? describeSchema(schemaAt(schema, path)) ?? TYPE_WORDS[issue.expected] ?? issue.expected;
        const typeWord = issue.expected === 'int' ? TYPE_WORDS.int : expected;
        if (got === undefined) {
          const key = String(path[path.length - 1]);
          const error = push(
            path.slice(0, -1),
            `missing required key "${key}" (expected ${key}: ${typeWord})`,
          );
          missing.set(error, `${pathText(path.slice(0, -1))}|${key}`);
        } else push(path, `expected ${typeWord}, got ${describeValue(got)}`);
        return;
      }
      case 'invalid_value': {
        if (got === undefined && path.length > 0) {
          const key = String(path[path.length - 1]);
          const expected = `${issue.values.length === 1 ? '' : 'one of '}${issue.values.map(word).join(', ')}`;
          const error = push(
            path.slice(0, -1),
            `missing required key "${key}" (expected ${key}: ${expected})`,
          );
          missing.set(error, `${pathText(path.slice(0, -1))}|${key}`);
          return;
        }
        const options = issue.values.map(word);
        const hint = typeof got === 'string' ? closest(got, options) : undefined;
        const expected = options.length === 1 ? `${options[0]}` : `one of ${options.join(', ')}`;
        push(
          path,
          `expected ${expected}, got ${describeValue(got)}${hint ? ` (did you mean "${hint}"?)` : ''}`,
        );
        return;
      }
      case 'invalid_union': {
        // A mapping that fits one branch's shape is reported by that branch's own, more precise issues.
        if (got !== null && typeof got === 'object') {
          const nested = issue.errors.filter(
            (branch) =>
              branch.length > 0 && branch.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys'),
          );
          const only = nested.length === 1 ? nested[0] : undefined;
          if (only) {
            for (const inner of only) visit(inner, path);
            return;
          }
        }
        const expected = custom ?? describeSchema(schemaAt(schema, path)) ?? 'another form';
        push(path, `expected ${expected}, got ${describeValue(got)}`);
        return;
      }
      case 'invalid_format': {
        const expected =
          custom ??
          FORMAT_WORDS[issue.format] ??
          (issue.pattern ? `text matching ${issue.pattern}` : `a valid ${issue.format}`);
        push(path, `expected ${expected}, got ${describeValue(got)}`);
        return;
      }
      case 'too_small':
      case 'too_big':
        push(path, custom ? `expected ${custom}, got ${describeValue(got)}` : bound(issue, got));
        return;
      case 'not_multiple_of':
        push(path, `expected a multiple of ${String(issue.divisor)}, got ${describeValue(got)}`);
        return;
      case 'invalid_key': {
        const key = String(path[path.length - 1] ?? '');
        const rule = issue.issues.map((inner) => inner.message).find((m) => !isDefaultMessage(m));
        push(path, `unknown key "${key}" (expected ${rule ?? 'another key'})`, true);
        return;
      }
      case 'invalid_element':
        for (const inner of issue.issues) visit(inner, [...path, String(issue.key)]);
        return;
      default:
        push(
          path,
          `expected ${custom ?? describeSchema(schemaAt(schema, path)) ?? 'another value'}, got ${describeValue(got)}`,
        );
    }
  };
  for (const issue of issues) visit(issue, []);
  return out.filter((error) => !misspelt.has(missing.get(error) ?? ''));
}
