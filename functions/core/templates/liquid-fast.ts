// A fast renderer for the subset of Liquid the email templates use: outputs with filters, if/elsif/else,
// unless, case/when and for loops. It parses a template once into a small tree and renders it with a plain
// interpreter, without Liquid's generator machinery, which is most of the per-email cost. It follows liquidjs semantics with
// strictVariables, lenientIf and ownPropertyOnly; anything outside the subset makes `compileFast` return
// undefined, and the caller renders that template with liquidjs instead. A differential test renders every
// shipped template both ways and requires identical output.

import {
  type Cond,
  type Expr,
  escapeHtml,
  type FastFilter,
  falsy,
  type Node,
  parseBlock,
  pieces,
  stringify,
  UnsupportedLiquidError,
} from './liquid-fast-parse.ts';

export type { FastFilter } from './liquid-fast-parse.ts';

/** Raised while rendering: names the variable and says what went wrong. */
export class FastRenderError extends Error {
  readonly variable: string | undefined;
  constructor(message: string, variable: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FastRenderError';
    this.variable = variable;
  }
}

/** A compiled template: renders one scope to a string. */
export type FastRender = (scope: Record<string, unknown>) => string;

/** Thrown while rendering when a value needs Liquid semantics this renderer does not copy; render with liquidjs. */
export class FastFallbackError extends Error {}

/** Compiles a template for fast rendering, or returns undefined when it uses Liquid beyond the subset. */
export function compileFast(
  source: string,
  filters: Record<string, FastFilter>,
  escapeOutput: boolean,
): FastRender | undefined {
  let nodes: Node[];
  try {
    const list = pieces(source);
    const at = { i: 0 };
    nodes = parseBlock(list, at, filters, []);
  } catch (error) {
    if (error instanceof UnsupportedLiquidError) return undefined;
    throw error;
  }
  return (scope) => new Run(scope, escapeOutput).block(nodes);
}

// ---- rendering ----

const hasOwn = (obj: object, key: PropertyKey) => Object.hasOwn(obj, key);

function readProperty(obj: unknown, key: string | number): unknown {
  if (obj === null || obj === undefined) return obj;
  if (Array.isArray(obj) && typeof key === 'number') return obj[key < 0 ? obj.length + key : key];
  const boxed: object = Object(obj);
  let value: unknown = hasOwn(boxed, key) ? Reflect.get(boxed, key) : undefined;
  if (typeof value === 'function') value = value.call(obj);
  if (key === 'size') {
    if (hasOwn(boxed, 'size') || Reflect.get(boxed, 'size') !== undefined) return Reflect.get(boxed, 'size');
    if (Array.isArray(obj) || typeof obj === 'string') return obj.length;
    return typeof obj === 'object' ? Object.keys(boxed).length : undefined;
  }
  if ((key === 'first' || key === 'last') && Array.isArray(obj))
    return obj[key === 'first' ? 0 : obj.length - 1];
  return value;
}

/** JavaScript's relational comparison, which Liquid uses, for the operand types templates compare. */
function compare(left: unknown, op: string, right: unknown): boolean {
  if (left === undefined || right === undefined) return false;
  const ok = (v: unknown): v is number | string => typeof v === 'number' || typeof v === 'string';
  if (!ok(left) || !ok(right))
    throw new FastFallbackError(`comparison of ${typeof left} and ${typeof right}`);
  const [a, b] =
    typeof left === 'string' && typeof right === 'string' ? [left, right] : [Number(left), Number(right)];
  if (op === '>') return a > b;
  if (op === '<') return a < b;
  if (op === '>=') return a >= b;
  return a <= b;
}

function equals(left: unknown, right: unknown): boolean {
  if (Array.isArray(left)) {
    return Array.isArray(right) && left.length === right.length && left.every((v, i) => equals(v, right[i]));
  }
  return left === right;
}

class Run {
  private readonly stack: Record<string, unknown>[];
  private readonly impl: { context: { getSync(paths: PropertyKey[]): unknown } };

  constructor(
    root: Record<string, unknown>,
    private readonly escapeOutput: boolean,
  ) {
    this.stack = [root];
    this.impl = {
      context: {
        getSync: (paths) =>
          this.lookup(
            paths.map((p) => (typeof p === 'number' ? p : String(p))),
            false,
          ),
      },
    };
  }

  lookup(path: readonly (string | number)[], lenient: boolean): unknown {
    const [head, ...rest] = path;
    let value: unknown;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const scope = this.stack[i];
      if (scope && head !== undefined && head in scope) {
        value = readProperty(scope, head);
        break;
      }
    }
    if (value === undefined) return this.missing(path, 1, lenient);
    for (let i = 0; i < rest.length; i++) {
      const key = rest[i];
      if (key === undefined) break;
      value = readProperty(value, key);
      if (value === undefined) return this.missing(path, i + 2, lenient);
    }
    return value;
  }

  private missing(path: readonly (string | number)[], depth: number, lenient: boolean): undefined {
    if (lenient) return undefined;
    const name = path.slice(0, depth).join('.');
    throw new FastRenderError(`undefined variable: ${name}`, name);
  }

  value(expr: Expr, lenient: boolean): unknown {
    return 'lit' in expr ? expr.lit : this.lookup(expr.path, lenient);
  }

  test(cond: Cond): boolean {
    const results = cond.terms.map((term) => {
      const left = this.value(term.left, true);
      if (!term.op || !term.right) return !falsy(left);
      const right = this.value(term.right, true);
      switch (term.op) {
        case '==':
          return equals(left, right);
        case '!=':
          return !equals(left, right);
        case '>':
        case '<':
        case '>=':
        case '<=':
          return compare(left, term.op, right);
        default:
          if (Array.isArray(left)) return left.some((item) => equals(item, right));
          return typeof left === 'string' ? left.includes(stringify(right)) : false;
      }
    });
    return cond.all ? results.every(Boolean) : results.some(Boolean);
  }

  block(nodes: readonly Node[]): string {
    let out = '';
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'out':
          out += this.output(node);
          break;
        case 'if': {
          const branch = node.branches.find((b) => this.test(b.cond) !== b.negate);
          out += this.block(branch ? branch.body : node.otherwise);
          break;
        }
        case 'for':
          out += this.loop(node);
          break;
        case 'case': {
          const subject = this.value(node.subject, false);
          const match = node.whens.find((w) => w.values.some((v) => equals(this.value(v, false), subject)));
          out += this.block(match ? match.body : node.otherwise);
          break;
        }
      }
    }
    return out;
  }

  private output(node: Extract<Node, { kind: 'out' }>): string {
    let value = this.value(node.expr, node.lenient);
    for (const call of node.filters) {
      const args = call.args.map((arg) => this.value(arg, false));
      try {
        value = call.fn.call(this.impl, value, ...args);
      } catch (cause) {
        if (cause instanceof FastRenderError) throw cause;
        const message = cause instanceof Error ? cause.message : String(cause);
        throw new FastRenderError(message, 'path' in node.expr ? node.expr.text : undefined, { cause });
      }
    }
    const text = stringify(value);
    return this.escapeOutput ? escapeHtml(text) : text;
  }

  private loop(node: Extract<Node, { kind: 'for' }>): string {
    const raw = this.value(node.collection, false);
    const items: unknown[] = Array.isArray(raw)
      ? raw
      : typeof raw === 'string'
        ? raw.length > 0
          ? [raw]
          : []
        : raw !== null && typeof raw === 'object'
          ? Object.entries(raw)
          : [];
    if (items.length === 0) return this.block(node.otherwise);
    let out = '';
    const scope: Record<string, unknown> = {};
    this.stack.push(scope);
    const length = items.length;
    items.forEach((item, i) => {
      scope[node.name] = item;
      scope.forloop = {
        first: i === 0,
        last: i === length - 1,
        index: i + 1,
        index0: i,
        length,
        rindex: length - i,
        rindex0: length - i - 1,
      };
      out += this.block(node.body);
    });
    this.stack.pop();
    return out;
  }
}
