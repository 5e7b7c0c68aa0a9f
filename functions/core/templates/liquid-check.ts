import { LiquidError, type Template } from 'liquidjs';
import { closest } from '../shared/suggest.ts';
import { textLiquid } from './liquid-engine.ts';
import { type Shape, shapeOf, unknownPath } from './shape.ts';
import type { TemplateKind, TemplateProblem } from './types.ts';

// liquidjs stops at the first syntax error. To report every error of a template at once, the failing tag is
// neutralized in place (same lines, so later positions stay true) and the text parsed again.

/** Maps a 1-based row and column of the checked text to the file the author edits. */
export type Locate = (row: number, column: number) => { file: string; line: number; column: number };

const MAX_ROUNDS = 50;
/** Block tags whose opener, when broken, is replaced by a valid opener so its end tag still pairs up. */
const NEUTRAL_OPENER: Record<string, string> = {
  if: '{%if true%}',
  elsif: '{%elsif true%}',
  unless: '{%unless true%}',
  case: '{%case 1%}',
  when: '{%when 1%}',
  for: '{%for x in (1..1)%}',
  tablerow: '{%tablerow x in (1..1)%}',
  capture: '{%capture x%}',
};
const BLOCK_END: Record<string, string> = {
  if: 'endif',
  unless: 'endunless',
  case: 'endcase',
  for: 'endfor',
  tablerow: 'endtablerow',
  capture: 'endcapture',
  comment: 'endcomment',
  raw: 'endraw',
};

interface Delimited {
  start: number;
  end: number;
  tag?: string;
}

function delimitedAt(source: string, offset: number): Delimited | undefined {
  const open = Math.max(source.lastIndexOf('{%', offset), source.lastIndexOf('{{', offset));
  if (open === -1) return undefined;
  const isTag = source.startsWith('{%', open);
  const close = source.indexOf(isTag ? '%}' : '}}', open + 2);
  const end = close === -1 ? source.indexOf('\n', open) + 1 || source.length : close + 2;
  if (end <= offset && close !== -1) return undefined;
  const tag = isTag ? /^\{%-?\s*(\w+)/.exec(source.slice(open, end))?.[1] : undefined;
  return { start: open, end, ...(tag ? { tag } : {}) };
}

function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

function replaceKeepingLines(source: string, range: Delimited, replacement: string): string {
  const original = source.slice(range.start, range.end);
  const lines = original.split('\n').length - 1;
  const padded =
    replacement.length < original.length - lines
      ? replacement.slice(0, -2) +
        ' '.repeat(original.length - lines - replacement.length) +
        replacement.slice(-2)
      : replacement;
  return source.slice(0, range.start) + padded + '\n'.repeat(lines) + source.slice(range.end);
}

function offsetOf(source: string, row: number, column: number): number {
  let offset = 0;
  for (let line = 1; line < row; line++) {
    const next = source.indexOf('\n', offset);
    if (next === -1) break;
    offset = next + 1;
  }
  return offset + column - 1;
}

function withSuggestion(message: string, tag: string | undefined): string {
  const engine = textLiquid();
  const unclosed = /^tag (\{%.*%\}) not closed$/.exec(message)?.[1];
  if (unclosed && tag)
    return `${unclosed} is never closed; add {% ${BLOCK_END[tag] ?? `end${tag}`} %} where it ends`;
  if (/^invalid value expression: ""$/.test(message) && tag)
    return ['if', 'unless', 'elsif'].includes(tag)
      ? `{% ${tag} %} is missing its condition; write it like {% ${tag} account.trialEndsAt %}`
      : `{% ${tag} %} is missing the value it works on; see docs/templates.md`;
  const filter = /^undefined filter: (\S+)/.exec(message)?.[1];
  if (filter) {
    const guess = closest(filter, Object.keys(engine.filters));
    return `unknown filter ${filter}${guess ? ` (did you mean ${guess}?)` : ''}; see docs/templates.md for the filters`;
  }
  const unknown = /^tag "(\w+)" not found/.exec(message)?.[1];
  if (unknown) {
    if (unknown.startsWith('end') || unknown === 'else' || unknown === 'elsif' || unknown === 'when')
      return `{% ${unknown} %} has no opening tag before it; remove it or add the tag it closes`;
    const guess = closest(unknown, Object.keys(engine.tags));
    return `unknown tag {% ${unknown} %}${guess ? ` (did you mean {% ${guess} %}?)` : ''}`;
  }
  return message;
}

/** The fields known one level above an unknown path, for a "did you mean". */
function siblingsOf(shape: Shape, segments: readonly string[]): string[] {
  let current: Shape | undefined = shape;
  for (const segment of segments) {
    if (!current || 'leaf' in current) return [];
    if ('items' in current) current = current.items;
    else current = current.fields[segment] ?? current.anyKey;
  }
  return current && 'fields' in current ? Object.keys(current.fields) : [];
}

/**
 * Parses Liquid and reports every syntax error, unknown filter and unknown variable (checked against the
 * render context of the template kind), each located in the file the author edits and with a likely fix.
 */
export function checkLiquid(
  source: string,
  kind: TemplateKind,
  locate: Locate,
  prefix: string,
): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  let text = source;
  let templates: Template[] | undefined;
  for (let round = 0; round < MAX_ROUNDS && !templates; round++) {
    try {
      templates = textLiquid().parse(text);
    } catch (error) {
      if (!(error instanceof LiquidError)) throw error;
      const position = error.token?.getPosition() ?? [1, 1];
      const row = position[0] ?? 1;
      const column = position[1] ?? 1;
      const bare = error.message.replace(/, line:\d+, col:\d+$/, '');
      const range = delimitedAt(text, offsetOf(text, row, column));
      const message = withSuggestion(bare, range?.tag);
      const place = range ? positionIn(text, range.start) : { row, column };
      problems.push({ ...locate(place.row, place.column), message: `${prefix}Liquid: ${message}` });
      if (!range) break;
      const notClosed = / not closed$/.test(bare) && range.tag ? BLOCK_END[range.tag] : undefined;
      if (notClosed) text = `${text}{%${notClosed}%}`;
      else {
        const neutral = range.tag ? NEUTRAL_OPENER[range.tag] : undefined;
        text = replaceKeepingLines(text, range, neutral ?? blank(text.slice(range.start, range.end)));
      }
    }
  }
  if (!templates) return problems;
  problems.push(...checkFilterArguments(text, locate, prefix));
  const analysis = textLiquid().analyzeSync(templates, { partials: false });
  const shape = shapeOf(kind);
  for (const variables of Object.values(analysis.globals)) {
    for (const variable of variables) {
      const unknown = unknownPath(shape, variable.segments);
      if (unknown === undefined) continue;
      const path = unknown.split('.');
      const last = path.at(-1) ?? '';
      const siblings = siblingsOf(shape, path.slice(0, -1));
      const guess = closest(last, siblings);
      const hint = guess
        ? ` (did you mean ${[...path.slice(0, -1), guess].join('.')}?)`
        : siblings.length > 0
          ? `; ${path.length > 1 ? path.slice(0, -1).join('.') : 'the context'} has ${siblings.sort().join(', ')}`
          : '';
      problems.push({
        ...locate(variable.location.row, variable.location.col),
        message: `${prefix}unknown variable ${unknown}${hint}; see docs/templates.md for the render context`,
      });
    }
  }
  return problems.sort((a, b) => a.line - b.line || (a.column ?? 1) - (b.column ?? 1));
}

/** Filters that render nonsense (e.g. "undefined") or fail at send time when given too few arguments. */
const REQUIRED_ARGUMENTS: Record<string, number> = {
  append: 1,
  prepend: 1,
  replace: 2,
  replace_first: 2,
  replace_last: 2,
  remove: 1,
  remove_first: 1,
  remove_last: 1,
  split: 1,
  plus: 1,
  minus: 1,
  times: 1,
  divided_by: 1,
  modulo: 1,
  default: 1,
  date: 1,
  slice: 1,
  where: 1,
  map: 1,
  concat: 1,
  at_least: 1,
  at_most: 1,
};

const FILTER = /\|\s*([A-Za-z_]\w*)(\s*:((?:\s*(?:"[^"]*"|'[^']*'|[^,|%}"']+)\s*,?)*))?/g;

/** Every filter call with fewer arguments than it needs, e.g. `{{ name | append }}`. */
function checkFilterArguments(source: string, locate: Locate, prefix: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const block of source.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g)) {
    for (const filter of block[0].matchAll(FILTER)) {
      const name = filter[1] ?? '';
      const needed = REQUIRED_ARGUMENTS[name];
      if (needed === undefined) continue;
      const given = filter[3]?.trim() ? (filter[3].match(/"[^"]*"|'[^']*'|[^,]+/g) ?? []).length : 0;
      if (given >= needed) continue;
      const place = positionIn(source, block.index + filter.index);
      const example = Array.from({ length: needed }, () => '"…"').join(', ');
      problems.push({
        ...locate(place.row, place.column),
        message: `${prefix}Liquid: filter ${name} needs ${needed} argument${needed > 1 ? 's' : ''}, got ${given}; write | ${name}: ${example}`,
      });
    }
  }
  return problems;
}

function positionIn(text: string, offset: number): { row: number; column: number } {
  const before = text.slice(0, offset);
  const row = before.split('\n').length;
  return { row, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}
