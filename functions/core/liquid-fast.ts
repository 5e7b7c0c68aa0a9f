// A fast renderer for the subset of Liquid the email templates use: outputs with filters, if/elsif/else,
// unless, case/when and for loops. It compiles a template once into plain closures and renders without
// Liquid's generator machinery, which is most of the per-email cost. It follows liquidjs semantics with
// strictVariables, lenientIf and ownPropertyOnly; anything outside the subset makes `compileFast` return
// undefined, and the caller renders that template with liquidjs instead. A differential test renders every
// shipped template both ways and requires identical output.

/** Raised while rendering: names the variable and says what went wrong. */
export class FastRenderError extends Error {
  readonly variable: string | undefined;
  constructor(message: string, variable: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FastRenderError';
    this.variable = variable;
  }
}

/** A filter as liquid-engine defines it; `this.context.getSync` reads the render scope. */
export type FastFilter = (
  this: { context: { getSync(paths: PropertyKey[]): unknown } },
  value: unknown,
  ...args: unknown[]
) => unknown;

/** A compiled template: renders one scope to a string. */
export type FastRender = (scope: Record<string, unknown>) => string;

type Expr = { lit: unknown } | { path: (string | number)[]; text: string };
type FilterCall = { fn: FastFilter; args: Expr[] };
type Cond = { all: boolean; terms: { left: Expr; op?: string; right?: Expr }[] };
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'out'; expr: Expr; filters: FilterCall[]; lenient: boolean }
  | { kind: 'if'; branches: { cond: Cond; negate: boolean; body: Node[] }[]; otherwise: Node[] }
  | { kind: 'for'; name: string; collection: Expr; body: Node[]; otherwise: Node[] }
  | { kind: 'case'; subject: Expr; whens: { values: Expr[]; body: Node[] }[]; otherwise: Node[] };

class Unsupported extends Error {}

/** Thrown while rendering when a value needs Liquid semantics this renderer does not copy; render with liquidjs. */
export class FastFallback extends Error {}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(stringify).join('');
  return String(value);
}

const falsy = (value: unknown) => value === false || value === null || value === undefined;

const BUILT_IN: Record<string, FastFilter> = {
  default(value, fallback) {
    if (Array.isArray(value) || typeof value === 'string') return value.length ? value : fallback;
    return falsy(value) ? fallback : value;
  },
  escape: (value) => escapeHtml(stringify(value)),
  append: (value, arg) => stringify(value) + stringify(arg),
  prepend: (value, arg) => stringify(arg) + stringify(value),
  upcase: (value) => stringify(value).toUpperCase(),
  downcase: (value) => stringify(value).toLowerCase(),
};

// ---- lexing of one tag or output body ----

const TOKEN =
  /\s*(?:(==|!=|>=|<=|<>|>|<|\||:|,)|'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?)(?![\w.])|([A-Za-z_][\w-]*(?:\??)(?:\.[A-Za-z_][\w-]*\??|\[\d+\]|\['[^']*'\]|\["[^"]*"\])*))/y;

type Tok = { op: string } | { expr: Expr };

function lex(body: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < body.length) {
    if (/^\s*$/.test(body.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(body);
    if (!m) throw new Unsupported(body);
    at = TOKEN.lastIndex;
    if (m[1]) out.push({ op: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) out.push({ expr: { lit: m[2] ?? m[3] } });
    else if (m[4] !== undefined) out.push({ expr: { lit: Number(m[4]) } });
    else if (m[5]) {
      const word = m[5];
      if (['and', 'or', 'contains', 'in'].includes(word)) out.push({ op: word });
      else if (word === 'true' || word === 'false') out.push({ expr: { lit: word === 'true' } });
      else if (['nil', 'null', 'empty', 'blank', 'with', 'limit', 'offset', 'reversed'].includes(word)) {
        throw new Unsupported(word);
      } else out.push({ expr: pathOf(word) });
    }
  }
  return out;
}

function pathOf(text: string): Expr {
  const path: (string | number)[] = [];
  for (const m of text.matchAll(/([A-Za-z_][\w-]*\??)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g)) {
    if (m[1] !== undefined) path.push(m[1]);
    else if (m[2] !== undefined) path.push(Number(m[2]));
    else path.push(m[3] ?? m[4] ?? '');
  }
  return { path, text: path.join('.') };
}

function exprAt(toks: Tok[], i: number): Expr {
  const tok = toks[i];
  if (!tok || !('expr' in tok)) throw new Unsupported('expected a value');
  return tok.expr;
}

function parseOutput(body: string, filters: Record<string, FastFilter>): Node {
  const toks = lex(body);
  const expr = exprAt(toks, 0);
  const calls: FilterCall[] = [];
  let i = 1;
  while (i < toks.length) {
    const bar = toks[i];
    const name = toks[i + 1];
    if (!bar || !('op' in bar) || bar.op !== '|' || !name || !('expr' in name) || !('path' in name.expr)) {
      throw new Unsupported(body);
    }
    const fn = filters[name.expr.text] ?? BUILT_IN[name.expr.text];
    if (!fn || name.expr.path.length !== 1) throw new Unsupported(name.expr.text);
    i += 2;
    const args: Expr[] = [];
    const colon = toks[i];
    if (colon && 'op' in colon && colon.op === ':') {
      i++;
      for (;;) {
        args.push(exprAt(toks, i));
        i++;
        const comma = toks[i];
        if (!comma || !('op' in comma) || comma.op !== ',') break;
        i++;
      }
    }
    calls.push({ fn, args });
  }
  const lenient = calls[0]?.fn === BUILT_IN.default;
  return { kind: 'out', expr, filters: calls, lenient };
}

function parseCond(body: string): Cond {
  const toks = lex(body);
  const terms: Cond['terms'] = [];
  let joiner: string | undefined;
  let i = 0;
  for (;;) {
    const left = exprAt(toks, i);
    const op = toks[i + 1];
    if (op && 'op' in op && ['==', '!=', '<>', '>', '<', '>=', '<=', 'contains'].includes(op.op)) {
      terms.push({ left, op: op.op === '<>' ? '!=' : op.op, right: exprAt(toks, i + 2) });
      i += 3;
    } else {
      terms.push({ left });
      i += 1;
    }
    const next = toks[i];
    if (!next) break;
    if (!('op' in next) || (next.op !== 'and' && next.op !== 'or')) throw new Unsupported(body);
    // Liquid evaluates mixed and/or right to left; only uniform chains are compiled here.
    if (joiner && joiner !== next.op) throw new Unsupported(body);
    joiner = next.op;
    i++;
  }
  return { all: joiner !== 'or', terms };
}

// ---- template structure ----

const PART = /\{\{(-?)([\s\S]*?)(-?)\}\}|\{%(-?)\s*(\w+)([\s\S]*?)(-?)%\}/g;

interface Piece {
  text?: string;
  out?: string;
  tag?: string;
  args?: string;
}

function pieces(source: string): Piece[] {
  const list: Piece[] = [];
  let last = 0;
  let trimNext = false;
  for (const m of source.matchAll(PART)) {
    let text = source.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] === '-' || m[4] === '-') text = text.replace(/\s+$/, '');
    if (text) list.push({ text });
    if (m[5] !== undefined) list.push({ tag: m[5], args: (m[6] ?? '').trim() });
    else list.push({ out: m[2] ?? '' });
    trimNext = m[3] === '-' || m[7] === '-';
    last = m.index + m[0].length;
  }
  let rest = source.slice(last);
  if (trimNext) rest = rest.replace(/^\s+/, '');
  if (rest) list.push({ text: rest });
  if (list.some((p) => p.text?.includes('{{') || p.text?.includes('{%')))
    throw new Unsupported('stray delimiter');
  return list;
}

function parseBlock(
  list: Piece[],
  at: { i: number },
  filters: Record<string, FastFilter>,
  ends: string[],
): Node[] {
  const nodes: Node[] = [];
  while (at.i < list.length) {
    const piece = list[at.i];
    if (!piece) break;
    if (piece.tag !== undefined && ends.includes(piece.tag)) return nodes;
    at.i++;
    if (piece.text !== undefined) nodes.push({ kind: 'text', text: piece.text });
    else if (piece.out !== undefined) nodes.push(parseOutput(piece.out, filters));
    else if (piece.tag === 'if' || piece.tag === 'unless') nodes.push(parseIf(piece, list, at, filters));
    else if (piece.tag === 'for') nodes.push(parseFor(piece.args ?? '', list, at, filters));
    else if (piece.tag === 'case') nodes.push(parseCase(piece.args ?? '', list, at, filters));
    else throw new Unsupported(`tag ${piece.tag}`);
  }
  if (ends.length > 0) throw new Unsupported('unclosed block');
  return nodes;
}

function closing(list: Piece[], at: { i: number }): Piece {
  const piece = list[at.i];
  if (!piece) throw new Unsupported('unclosed block');
  at.i++;
  return piece;
}

function parseIf(open: Piece, list: Piece[], at: { i: number }, filters: Record<string, FastFilter>): Node {
  const unless = open.tag === 'unless';
  const end = unless ? 'endunless' : 'endif';
  const branches: { cond: Cond; negate: boolean; body: Node[] }[] = [];
  let cond = parseCond(open.args ?? '');
  let negate = unless;
  for (;;) {
    const body = parseBlock(list, at, filters, unless ? ['else', end] : ['elsif', 'else', end]);
    branches.push({ cond, negate, body });
    const tag = closing(list, at);
    if (tag.tag === end) return { kind: 'if', branches, otherwise: [] };
    if (tag.tag === 'else') {
      const otherwise = parseBlock(list, at, filters, [end]);
      closing(list, at);
      return { kind: 'if', branches, otherwise };
    }
    cond = parseCond(tag.args ?? '');
    negate = false;
  }
}

function parseFor(args: string, list: Piece[], at: { i: number }, filters: Record<string, FastFilter>): Node {
  const m = /^([A-Za-z_][\w-]*)\s+in\s+([A-Za-z_][\w.[\]'"-]*)$/.exec(args);
  if (!m?.[1] || !m[2]) throw new Unsupported(args);
  const collection = exprAt(lex(m[2]), 0);
  const body = parseBlock(list, at, filters, ['else', 'endfor']);
  const tag = closing(list, at);
  let otherwise: Node[] = [];
  if (tag.tag === 'else') {
    otherwise = parseBlock(list, at, filters, ['endfor']);
    closing(list, at);
  }
  return { kind: 'for', name: m[1], collection, body, otherwise };
}

function parseCase(
  args: string,
  list: Piece[],
  at: { i: number },
  filters: Record<string, FastFilter>,
): Node {
  const subject = exprAt(lex(args), 0);
  const whens: { values: Expr[]; body: Node[] }[] = [];
  let otherwise: Node[] = [];
  // Whatever sits between {% case %} and the first {% when %} is not rendered.
  parseBlock(list, at, filters, ['when', 'else', 'endcase']);
  for (;;) {
    const tag = closing(list, at);
    if (tag.tag === 'endcase') return { kind: 'case', subject, whens, otherwise };
    const body = parseBlock(list, at, filters, ['when', 'else', 'endcase']);
    if (tag.tag === 'else') otherwise = body;
    else {
      const values = lex(tag.args ?? '')
        .filter((tok) => 'expr' in tok)
        .map((tok) => ('expr' in tok ? tok.expr : { lit: undefined }));
      whens.push({ values, body });
    }
  }
}

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
    if (error instanceof Unsupported) return undefined;
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
  if (!ok(left) || !ok(right)) throw new FastFallback(`comparison of ${typeof left} and ${typeof right}`);
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
