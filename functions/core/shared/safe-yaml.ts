import { type Document, isAlias, LineCounter, parseDocument, visit } from 'yaml';
import { printable } from './suggest.ts';

/** One problem in a YAML file, positioned for `file:line:col  message`. */
export interface YamlProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** Limits that keep one hostile or mistaken file from stopping the check of every other file. */
export const YAML_LIMITS = {
  /** campaign files and front matter are a few kilobytes; a megabyte is some other file */
  maxBytes: 1024 * 1024,
  /** real rules nest a handful of levels; deeper nesting would exhaust the parser's stack */
  maxDepth: 64,
  /** expanded alias uses (the `yaml` package's maxAliasCount): stops "billion laughs" bombs */
  maxAliasCount: 100,
} as const;

/** A parsed YAML file: the document for positions, and its data (undefined when unusable). */
export interface SafeYaml {
  doc: Document;
  data: unknown;
  lines: LineCounter;
  /** the decoded text that was parsed */
  text: string;
}

/** Options for {@link safeParseYaml}. */
export interface SafeYamlOptions {
  /** 1-based line of the text's first line inside its file (front matter starts on line 2) */
  firstLine?: number;
}

const SIZE_WORDS = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;

/**
 * Decodes and parses one YAML file without ever throwing: binary, non-UTF-8, oversized or too deeply
 * nested input, control characters and alias bombs each become one positioned problem, and YAML syntax
 * errors come back positioned. `data` is undefined when the file cannot be read as written; after a
 * repeated key (reported) it is kept, with the later value, so the rest of the file can still be checked.
 */
export function safeParseYaml(
  file: string,
  input: string | Uint8Array,
  options: SafeYamlOptions = {},
): SafeYaml & { problems: YamlProblem[] } {
  const shift = (options.firstLine ?? 1) - 1;
  const lines = new LineCounter();
  const empty = (text: string, problem: Omit<YamlProblem, 'file'>) => ({
    doc: parseDocument(''),
    data: undefined,
    lines,
    text,
    problems: [{ file, ...problem, line: problem.line + shift, message: printable(problem.message) }],
  });

  const decoded = decode(input);
  if ('problem' in decoded) return empty('', decoded.problem);
  const text = decoded.text.replace(/^\uFEFF/, '');

  const control = firstControl(text);
  if (control) {
    return empty(text, {
      ...control.at,
      message: `control character ${printable(control.char)} is not allowed in YAML (it is invisible in most editors; delete it, or retype the line)`,
    });
  }
  const deep = firstTooDeepLine(text);
  if (deep !== undefined) return empty(text, { line: deep, col: 1, message: tooDeep() });

  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    return empty(text, { line: 1, col: 1, message: `YAML could not be parsed (${messageOf(error)})` });
  }
  const problems: YamlProblem[] = doc.errors.map((error) => {
    const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
    const firstLineText = error.message.split('\n')[0] ?? error.message;
    const overflow = /Maximum call stack/.test(firstLineText);
    if (error.code === 'DUPLICATE_KEY') {
      const key = /^[^:#\n]*/.exec(text.slice(error.pos[0]))?.[0].trim() ?? '';
      return {
        file,
        line: pos.line + shift,
        col: pos.col,
        message: printable(
          `key "${key}" appears twice in the same mapping (keep one: the later value would silently replace the earlier)`,
        ),
      };
    }
    return {
      file,
      line: pos.line + shift,
      col: pos.col,
      message: printable(
        overflow ? tooDeep() : `YAML syntax: ${firstLineText.replace(/ at line \d+, column \d+:?$/, '')}`,
      ),
    };
  });
  // A repeated key is the only YAML error after which the rest of the document still reads as written.
  const fatal = doc.errors.some((error) => error.code !== 'DUPLICATE_KEY');
  if (fatal) return { doc, data: undefined, lines, text, problems };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
  } catch (error) {
    const at = firstAlias(doc, lines);
    return {
      doc,
      data: undefined,
      lines,
      text,
      problems: [
        ...problems,
        {
          file,
          line: at.line + shift,
          col: at.col,
          message: printable(
            /alias/i.test(messageOf(error))
              ? `YAML aliases (*name) expand to too much data (more than ${YAML_LIMITS.maxAliasCount} copies); write the values out instead of nesting anchors`
              : `YAML could not be read (${messageOf(error)})`,
          ),
        },
      ],
    };
  }
  const depthAt = tooDeepOffset(doc, data);
  if (depthAt !== undefined) {
    const at = lines.linePos(depthAt);
    return {
      doc,
      data: undefined,
      lines,
      text,
      problems: [...problems, { file, line: at.line + shift, col: at.col, message: tooDeep() }],
    };
  }
  return { doc, data, lines, text, problems };
}

function tooDeep(): string {
  return `nesting is deeper than ${YAML_LIMITS.maxDepth} levels (expected rules a few levels deep; flatten the nested not/all/any)`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type Position = { line: number; col: number };

function decode(input: string | Uint8Array): { text: string } | { problem: Position & { message: string } } {
  const size = typeof input === 'string' ? utf8Length(input) : input.byteLength;
  if (size > YAML_LIMITS.maxBytes)
    return {
      problem: {
        line: 1,
        col: 1,
        message: `file is ${SIZE_WORDS(size)}, over the ${SIZE_WORDS(YAML_LIMITS.maxBytes)} limit for a YAML file (is this the right file? split it if it is)`,
      },
    };
  if (typeof input === 'string') {
    const nul = input.indexOf('\u0000');
    if (nul >= 0) return { problem: binaryAt(positionOf(input, nul)) };
    return { text: input };
  }
  const nul = input.indexOf(0);
  if (nul >= 0) return { problem: binaryAt(bytePosition(input, nul)) };
  const bad = firstInvalidUtf8(input);
  if (bad !== undefined) {
    const at = bytePosition(input, bad);
    const hex = [...input.subarray(bad, bad + 1)]
      .map((b) => `\\x${b.toString(16).padStart(2, '0')}`)
      .join('');
    return {
      problem: {
        ...at,
        message: `file is not UTF-8 (byte ${hex} at line ${at.line}); save it as UTF-8 (in most editors: "Save with encoding" → UTF-8)`,
      },
    };
  }
  return { text: new TextDecoder('utf-8').decode(input) };
}

function binaryAt(at: Position): Position & { message: string } {
  return {
    ...at,
    message: `file looks binary (a NUL byte at line ${at.line}); campaign files and front matter are UTF-8 text`,
  };
}

function utf8Length(text: string): number {
  // Exact only when it matters: a string near the limit is measured in UTF-8 bytes.
  if (text.length * 3 <= YAML_LIMITS.maxBytes) return text.length;
  return new TextEncoder().encode(text).byteLength;
}

function positionOf(text: string, index: number): Position {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: index - start + 1 };
}

function bytePosition(bytes: Uint8Array, index: number): Position {
  let line = 1;
  let start = 0;
  for (let i = 0; i < index; i++)
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  return { line, col: index - start + 1 };
}

/** Offset of the first byte that breaks UTF-8, or undefined when the whole input is valid. */
function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    const second = bytes[i + 1] ?? 0;
    // overlong forms, UTF-16 surrogates and code points above U+10FFFF
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f)) return i;
    if ((b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += need + 1;
  }
  return undefined;
}

/** The first character YAML forbids (C0 controls other than tab and line breaks, DEL, C1 but NEL), if any. */
function firstControl(text: string): { char: string; at: Position } | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const forbidden =
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
      (code >= 0x7f && code <= 0x9f && code !== 0x85);
    if (forbidden) return { char: text.charAt(i), at: positionOf(text, i) };
  }
  return undefined;
}

/**
 * A quick look at the text before parsing: the line where indentation levels, list dashes and open
 * brackets first stack deeper than the limit. The parser recurses per level, so this runs first.
 */
function firstTooDeepLine(text: string): number | undefined {
  const indents: number[] = [];
  let brackets = 0;
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = line.length - trimmed.length;
    while (indents.length > 0 && (indents[indents.length - 1] ?? 0) > indent) indents.pop();
    if (indents.length === 0 || (indents[indents.length - 1] ?? 0) < indent) indents.push(indent);
    const dashes = /^(?:-[ \t]+)*/.exec(trimmed)?.[0].split('-').length ?? 1;
    let quote = '';
    for (const ch of trimmed) {
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '#') break;
      else if (ch === '{' || ch === '[') brackets++;
      else if ((ch === '}' || ch === ']') && brackets > 0) brackets--;
      if (indents.length + dashes - 1 + brackets > YAML_LIMITS.maxDepth) return lineNo;
    }
  }
  return undefined;
}

/** Offset of the first node nested deeper than the limit (aliases included), or undefined. */
function tooDeepOffset(doc: Document, data: unknown): number | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value: data, depth: 0 }];
  let deep = false;
  while (stack.length > 0 && !deep) {
    const item = stack.pop();
    if (!item || item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= YAML_LIMITS.maxDepth) deep = true;
    else for (const child of Object.values(item.value)) stack.push({ value: child, depth: item.depth + 1 });
  }
  if (!deep) return undefined;
  return firstAliasOffset(doc) ?? 0;
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node)) offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

function firstAlias(doc: Document, lines: LineCounter): Position {
  return lines.linePos(firstAliasOffset(doc) ?? 0);
}
