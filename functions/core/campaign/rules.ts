// Over 300 lines: the rule compiler keeps its generated and interpreted paths side by side so a property test can compare them.
import { DAY_MS } from '../shared/duration.ts';
import { closest, describeValue } from '../shared/suggest.ts';
import type { FieldDef } from './fields.ts';
import type { Subject } from './subject.ts';

/** A compiled rule. */
export type Predicate = (subject: Subject) => boolean;

/** A location inside a YAML document: keys and list indexes from the root. */
export type DocPath = (string | number)[];

/** A problem found while compiling a rule; `atKey` points the error at the key rather than its value. */
export interface RuleIssue {
  path: DocPath;
  message: string;
  atKey?: boolean;
}

/** What the rule compiler needs from its surroundings. */
export interface RuleEnv {
  fields: ReadonlyMap<string, FieldDef>;
  /** 'account' forbids contact-level paths (tier rules run without a contact) */
  scope: 'account' | 'contact';
  /** resolves `segment: name`, reporting unknown or cyclic segments itself */
  segment(name: string, at: DocPath): Predicate | undefined;
  issues: RuleIssue[];
}

export const OPERATORS = [
  'eq',
  'ne',
  'in',
  'nin',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'exists',
  'contains',
  'withinDays',
  'olderThanDays',
  'inDays',
] as const;
type Operator = (typeof OPERATORS)[number];
const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);
const COMBINATORS = ['all', 'any', 'not', 'segment'];

const ALWAYS_FALSE: Predicate = () => false;

// Code generation. Every compiled predicate also records, when it can, its meaning as one JavaScript
// expression over the subject `s`. The top-level rule then becomes a single generated function, so the
// engine sees one call site per condition instead of one shared, megamorphic call site for all closures.
// Only numbers, JSON-quoted strings and references into a constants array `k` enter the source text.
const sources = new WeakMap<Predicate, string>();
sources.set(ALWAYS_FALSE, 'false');
let constants: unknown[] | undefined;

function ref(value: unknown): string {
  if (!constants) return '';
  constants.push(value);
  return `k[${constants.length - 1}]`;
}

function withSource(pred: Predicate, src: string | undefined): Predicate {
  if (src !== undefined && constants) sources.set(pred, src);
  return pred;
}

function sourcesOf(parts: readonly Predicate[]): string[] | undefined {
  const out: string[] = [];
  for (const part of parts) {
    const src = sources.get(part);
    if (src === undefined) return undefined;
    out.push(src);
  }
  return out;
}

function isPredicate(value: unknown): value is Predicate {
  return typeof value === 'function';
}

function isOperator(key: string): key is Operator {
  return OPERATOR_SET.has(key);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Compiles a rule mapping into a predicate; problems go to env.issues and compile to "false". */
export function compileRule(node: unknown, path: DocPath, env: RuleEnv): Predicate {
  return compileWith(node, path, env, true);
}

/** The same rule as composed closures, without code generation: the reference the generated code is tested against. */
export function interpretRule(node: unknown, path: DocPath, env: RuleEnv): Predicate {
  return compileWith(node, path, env, false);
}

function compileWith(node: unknown, path: DocPath, env: RuleEnv, generate: boolean): Predicate {
  const outer = constants;
  const mine: unknown[] = [];
  constants = mine;
  const issuesBefore = env.issues.length;
  try {
    const pred = compileNode(node, path, env);
    // a broken part can sit under `not` or be an empty `nin` list, which would match everyone
    if (env.issues.length > issuesBefore) return ALWAYS_FALSE;
    const src = sources.get(pred);
    if (!generate || src === undefined) return pred;
    const generated: unknown = new Function('k', `'use strict'; let t; return (s) => ${src};`)(mine);
    return isPredicate(generated) ? generated : pred;
  } finally {
    constants = outer;
  }
}

function compileNode(node: unknown, path: DocPath, env: RuleEnv): Predicate {
  if (!isMapping(node)) {
    env.issues.push({
      path,
      message: `a rule must be a mapping such as { usage.logins30d: { gte: 5 } } (got ${describeValue(node)})`,
    });
    return ALWAYS_FALSE;
  }
  const parts: Predicate[] = [];
  for (const [key, value] of Object.entries(node)) {
    const at = [...path, key];
    if (key === 'all' || key === 'any') parts.push(compileList(key, value, at, env));
    else if (key === 'not') {
      const inner = compileNode(value, at, env);
      const src = sources.get(inner);
      parts.push(withSource((s) => !inner(s), src === undefined ? undefined : `!(${src})`));
    } else if (key === 'segment') {
      if (typeof value !== 'string') {
        env.issues.push({ path: at, message: `segment expects a segment id (got ${describeValue(value)})` });
        parts.push(ALWAYS_FALSE);
      } else {
        const segment = env.segment(value, at);
        parts.push(segment ? withSource((s) => segment(s), `${ref(segment)}(s)`) : ALWAYS_FALSE);
      }
    } else parts.push(compileField(key, value, at, env));
  }
  if (parts.length === 0) {
    env.issues.push({ path, message: 'an empty rule matches nothing useful; give at least one condition' });
    return ALWAYS_FALSE;
  }
  return conjunction(parts);
}

function conjunction(parts: Predicate[]): Predicate {
  if (parts.length === 1) return parts[0] ?? ALWAYS_FALSE;
  const src = sourcesOf(parts)?.join(' && ');
  const [a, b] = parts;
  if (parts.length === 2 && a && b) return withSource((s) => a(s) && b(s), src && `(${src})`);
  return withSource((s) => {
    for (const part of parts) if (!part(s)) return false;
    return true;
  }, src && `(${src})`);
}

function disjunction(parts: Predicate[]): Predicate {
  if (parts.length === 1) return parts[0] ?? ALWAYS_FALSE;
  const src = sourcesOf(parts)?.join(' || ');
  return withSource((s) => {
    for (const part of parts) if (part(s)) return true;
    return false;
  }, src && `(${src})`);
}

function compileList(kind: 'all' | 'any', value: unknown, at: DocPath, env: RuleEnv): Predicate {
  if (!Array.isArray(value) || value.length === 0) {
    env.issues.push({
      path: at,
      message: `${kind} expects a non-empty list of rules (got ${describeValue(value)})`,
    });
    return ALWAYS_FALSE;
  }
  const parts = value.map((item, index) => compileNode(item, [...at, index], env));
  return kind === 'all' ? conjunction(parts) : disjunction(parts);
}

function compileField(path: string, spec: unknown, at: DocPath, env: RuleEnv): Predicate {
  const field = env.fields.get(path);
  if (!field) {
    const hint = closest(path, [...env.fields.keys(), ...COMBINATORS]);
    env.issues.push({
      path: at,
      atKey: true,
      message: `unknown field "${path}"${hint ? ` (did you mean "${hint}"?)` : ''} (expected a path into account, contact, usage, health or tier, or one of all, any, not, segment)`,
    });
    return ALWAYS_FALSE;
  }
  if (env.scope === 'account' && field.scope !== 'account') {
    env.issues.push({
      path: at,
      atKey: true,
      message: `"${path}" is a contact-level field, but this rule is evaluated per account (expected account.*, health.* or tier)`,
    });
    return ALWAYS_FALSE;
  }
  if (!isMapping(spec)) {
    // shorthand: `path: value` means eq, or contains for list fields
    return compileOperator(field, field.type === 'string[]' ? 'contains' : 'eq', spec, at, env);
  }
  const parts: Predicate[] = [];
  for (const [op, arg] of Object.entries(spec)) {
    if (!isOperator(op)) {
      const hint = closest(op, OPERATORS);
      env.issues.push({
        path: [...at, op],
        atKey: true,
        message: `unknown operator "${op}"${hint ? ` (did you mean "${hint}"?)` : ''} (expected one of ${OPERATORS.join(', ')})`,
      });
      parts.push(ALWAYS_FALSE);
      continue;
    }
    parts.push(compileOperator(field, op, arg, [...at, op], env));
  }
  if (parts.length === 0) {
    env.issues.push({ path: at, message: `no operator given for "${path}" (expected e.g. { gte: 5 })` });
    return ALWAYS_FALSE;
  }
  return conjunction(parts);
}

const typeLabel: Record<FieldDef['type'], string> = {
  number: 'a number',
  string: 'a text value',
  boolean: 'true or false',
  date: 'a date such as 2026-12-01 or 2026-12-01T09:00:00+09:00',
  'string[]': 'a text value',
};

/** Converts a YAML scalar into the field's comparable form, or reports why it cannot. */
function literal(
  field: FieldDef,
  value: unknown,
  at: DocPath,
  env: RuleEnv,
): number | string | boolean | undefined {
  const bad = (expected: string) => {
    env.issues.push({
      path: at,
      message: `"${field.path}" compares against ${expected} (got ${describeValue(value)})`,
    });
    return undefined;
  };
  switch (field.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : bad(typeLabel.number);
    case 'boolean':
      return typeof value === 'boolean' ? value : bad(typeLabel.boolean);
    case 'date': {
      const ms =
        typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
      return Number.isNaN(ms) ? bad(typeLabel.date) : ms;
    }
    default: {
      if (typeof value !== 'string') return bad(typeLabel.string);
      if (field.values && !field.values.includes(value)) {
        const hint = closest(value, field.values);
        return bad(`one of ${field.values.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}`);
      }
      return value;
    }
  }
}

function literalList(
  field: FieldDef,
  value: unknown,
  at: DocPath,
  env: RuleEnv,
): (number | string | boolean)[] {
  if (!Array.isArray(value) || value.length === 0) {
    env.issues.push({
      path: at,
      message: `expected a non-empty list of values (got ${describeValue(value)})`,
    });
    return [];
  }
  const out: (number | string | boolean)[] = [];
  value.forEach((item, index) => {
    const lit = literal(field, item, [...at, index], env);
    if (lit !== undefined) out.push(lit);
  });
  return out;
}

function dayCount(value: unknown, at: DocPath, env: RuleEnv): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * DAY_MS;
  env.issues.push({
    path: at,
    message: `expected a number of days, 0 or more (got ${describeValue(value)})`,
  });
  return undefined;
}

function compileOperator(field: FieldDef, op: Operator, arg: unknown, at: DocPath, env: RuleEnv): Predicate {
  const get = field.get;
  const G = `${ref(get)}(s)`;
  const J = (value: unknown) => JSON.stringify(value);
  const need = (ok: boolean, expected: string): boolean => {
    if (!ok) env.issues.push({ path: at, message: `${op} cannot be used on "${field.path}" (${expected})` });
    return ok;
  };
  const ordered = field.type === 'number' || field.type === 'date';
  switch (op) {
    case 'eq':
    case 'ne': {
      if (!need(field.type !== 'string[]', 'a list field; use contains')) return ALWAYS_FALSE;
      const v = literal(field, arg, at, env);
      if (v === undefined) return ALWAYS_FALSE;
      return op === 'eq'
        ? withSource((s) => get(s) === v, `${G} === ${J(v)}`)
        : withSource((s) => get(s) !== v, `${G} !== ${J(v)}`);
    }
    case 'in':
    case 'nin': {
      if (!need(field.type !== 'string[]', 'a list field; use contains')) return ALWAYS_FALSE;
      const set: ReadonlySet<unknown> = new Set(literalList(field, arg, at, env));
      const S = ref(set);
      return op === 'in'
        ? withSource((s) => set.has(get(s)), `${S}.has(${G})`)
        : withSource((s) => !set.has(get(s)), `!${S}.has(${G})`);
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (!need(ordered, 'it needs a number or date field')) return ALWAYS_FALSE;
      const v = literal(field, arg, at, env);
      if (typeof v !== 'number') return ALWAYS_FALSE;
      // a missing value (undefined) compares false either way, as NaN does
      if (op === 'gt') return withSource((s) => num(get(s)) > v, `${G} > ${v}`);
      if (op === 'gte') return withSource((s) => num(get(s)) >= v, `${G} >= ${v}`);
      if (op === 'lt') return withSource((s) => num(get(s)) < v, `${G} < ${v}`);
      return withSource((s) => num(get(s)) <= v, `${G} <= ${v}`);
    }
    case 'between': {
      if (!need(ordered, 'it needs a number or date field')) return ALWAYS_FALSE;
      if (!Array.isArray(arg) || arg.length !== 2) {
        env.issues.push({ path: at, message: `between expects [low, high] (got ${describeValue(arg)})` });
        return ALWAYS_FALSE;
      }
      const lo = literal(field, arg[0], [...at, 0], env);
      const hi = literal(field, arg[1], [...at, 1], env);
      if (typeof lo !== 'number' || typeof hi !== 'number') return ALWAYS_FALSE;
      if (lo > hi) {
        env.issues.push({
          path: at,
          message: `between expects low ≤ high (got [${String(arg[0])}, ${String(arg[1])}])`,
        });
        return ALWAYS_FALSE;
      }
      return withSource((s) => {
        const x = num(get(s));
        return x >= lo && x <= hi;
      }, `(t = ${G}, t >= ${lo} && t <= ${hi})`);
    }
    case 'exists': {
      if (typeof arg !== 'boolean') {
        env.issues.push({ path: at, message: `exists expects true or false (got ${describeValue(arg)})` });
        return ALWAYS_FALSE;
      }
      const isPresent = `(t = ${G}, t !== undefined && t !== null && t !== '')`;
      return arg
        ? withSource((s) => present(get(s)), isPresent)
        : withSource((s) => !present(get(s)), `!${isPresent}`);
    }
    case 'contains': {
      if (!need(field.type === 'string[]' || field.type === 'string', 'it needs a text or list field'))
        return ALWAYS_FALSE;
      if (typeof arg !== 'string') {
        env.issues.push({ path: at, message: `contains expects a text value (got ${describeValue(arg)})` });
        return ALWAYS_FALSE;
      }
      return withSource(
        (s) => {
          const v = get(s);
          return Array.isArray(v) ? v.includes(arg) : typeof v === 'string' && v.includes(arg);
        },
        `(t = ${G}, Array.isArray(t) ? t.includes(${J(arg)}) : typeof t === 'string' && t.includes(${J(arg)}))`,
      );
    }
    case 'withinDays':
    case 'olderThanDays':
    case 'inDays': {
      if (!need(field.type === 'date', 'it needs a date field')) return ALWAYS_FALSE;
      const span = dayCount(arg, at, env);
      if (span === undefined) return ALWAYS_FALSE;
      if (op === 'withinDays')
        return withSource((s) => {
          const t = num(get(s));
          return t <= s.now && t >= s.now - span;
        }, `(t = ${G}, t <= s.now && t >= s.now - ${span})`);
      if (op === 'olderThanDays')
        return withSource((s) => num(get(s)) < s.now - span, `${G} < s.now - ${span}`);
      return withSource((s) => {
        const t = num(get(s));
        return t >= s.now && t <= s.now + span;
      }, `(t = ${G}, t >= s.now && t <= s.now + ${span})`);
    }
  }
}

/** Missing numbers compare as NaN, which makes every ordered comparison false. */
function num(value: unknown): number {
  return typeof value === 'number' ? value : Number.NaN;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}
