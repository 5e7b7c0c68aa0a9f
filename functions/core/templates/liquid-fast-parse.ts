// Parsing for the fast renderer (see liquid-fast.ts): the Liquid subset as a small tree of nodes.

/** A filter as liquid-engine defines it; `this.context.getSync` reads the render scope. */
export type FastFilter = (
  this: { context: { getSync(paths: PropertyKey[]): unknown } },
  value: unknown,
  ...args: unknown[]
) => unknown;

export type Expr = { lit: unknown } | { path: (string | number)[]; text: string };
export type FilterCall = { fn: FastFilter; args: Expr[] };
export type Cond = { all: boolean; terms: { left: Expr; op?: string; right?: Expr }[] };
export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'out'; expr: Expr; filters: FilterCall[]; lenient: boolean }
  | { kind: 'if'; branches: { cond: Cond; negate: boolean; body: Node[] }[]; otherwise: Node[] }
  | { kind: 'for'; name: string; collection: Expr; body: Node[]; otherwise: Node[] }
  | { kind: 'case'; subject: Expr; whens: { values: Expr[]; body: Node[] }[]; otherwise: Node[] };

/** Thrown while parsing when a template uses Liquid beyond the subset; the caller then uses liquidjs. */
export class UnsupportedLiquidError extends Error {}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);

export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(stringify).join('');
  return String(value);
}

export const falsy = (value: unknown) => value === false || value === null || value === undefined;

export const BUILT_IN: Record<string, FastFilter> = {
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
    if (!m) throw new UnsupportedLiquidError(body);
    at = TOKEN.lastIndex;
    if (m[1]) out.push({ op: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) out.push({ expr: { lit: m[2] ?? m[3] } });
    else if (m[4] !== undefined) out.push({ expr: { lit: Number(m[4]) } });
    else if (m[5]) {
      const word = m[5];
      if (['and', 'or', 'contains', 'in'].includes(word)) out.push({ op: word });
      else if (word === 'true' || word === 'false') out.push({ expr: { lit: word === 'true' } });
      else if (['nil', 'null', 'empty', 'blank', 'with', 'limit', 'offset', 'reversed'].includes(word)) {
        throw new UnsupportedLiquidError(word);
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
  if (!tok || !('expr' in tok)) throw new UnsupportedLiquidError('expected a value');
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
      throw new UnsupportedLiquidError(body);
    }
    const fn = filters[name.expr.text] ?? BUILT_IN[name.expr.text];
    if (!fn || name.expr.path.length !== 1) throw new UnsupportedLiquidError(name.expr.text);
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
    if (!('op' in next) || (next.op !== 'and' && next.op !== 'or')) throw new UnsupportedLiquidError(body);
    // Liquid evaluates mixed and/or right to left; only uniform chains are compiled here.
    if (joiner && joiner !== next.op) throw new UnsupportedLiquidError(body);
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

export function pieces(source: string): Piece[] {
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
    throw new UnsupportedLiquidError('stray delimiter');
  return list;
}

export function parseBlock(
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
    else throw new UnsupportedLiquidError(`tag ${piece.tag}`);
  }
  if (ends.length > 0) throw new UnsupportedLiquidError('unclosed block');
  return nodes;
}

function closing(list: Piece[], at: { i: number }): Piece {
  const piece = list[at.i];
  if (!piece) throw new UnsupportedLiquidError('unclosed block');
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
  if (!m?.[1] || !m[2]) throw new UnsupportedLiquidError(args);
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
