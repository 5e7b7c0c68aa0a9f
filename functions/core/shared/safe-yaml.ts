import { type Document, isAlias, LineCounter, parseDocument, visit } from 'yaml';
import { printable } from './suggest.ts';
import { decodeText, firstControl, type Position } from './text-decode.ts';

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

  const decoded = decodeText(input, YAML_LIMITS.maxBytes);
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
