import { type Document, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { closest, describeValue } from '../shared/suggest.ts';
import type { DocPath } from './rules.ts';

/** One problem in a campaign file, positioned for `file:line:col  message`. */
export interface ProgramError {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** A parsed YAML file that can turn document paths into line and column. */
export interface YamlSource {
  file: string;
  doc: Document;
  data: unknown;
  lines: LineCounter;
}

/** Parses one YAML file; syntax errors are returned positioned, and `data` is undefined when unusable. */
export function parseYamlSource(file: string, text: string): { source: YamlSource; errors: ProgramError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const errors: ProgramError[] = doc.errors.map((error) => {
    const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
    const firstLine = error.message.split('\n')[0] ?? error.message;
    return {
      file,
      line: pos.line,
      col: pos.col,
      message: `YAML syntax: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}`,
    };
  });
  const data = errors.length === 0 ? doc.toJS() : undefined;
  return { source: { file, doc, data, lines }, errors };
}

/** Positions a path inside the document; with `atKey` the key itself rather than its value. */
export function locate(source: YamlSource, path: DocPath, atKey = false): { line: number; col: number } {
  let node: unknown = source.doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(seg),
      );
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      if (last && atKey && keyStart !== undefined) {
        offset = keyStart;
        break;
      }
      node = pair.value;
      offset = rangeStart(node) ?? keyStart ?? offset;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) break;
      offset = rangeStart(node) ?? offset;
    } else break;
  }
  return source.lines.linePos(offset);
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}

/** Renders a document path the way a reader of the YAML would write it: steps[2].after */
export function pathText(path: DocPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || '(top level)';
}

/** Reads the value at a document path from plain data. */
export function valueAt(data: unknown, path: DocPath): unknown {
  let node: unknown = data;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Reflect.get(node, seg);
  }
  return node;
}

/** The keys an object schema allows at a path, for "expected one of" hints. */
type AnySchema = z.core.$ZodType;

export function allowedKeys(schema: AnySchema, path: DocPath): string[] {
  let node: AnySchema | undefined = schema;
  for (const seg of [...path, undefined]) {
    node = unwrap(node);
    if (seg === undefined) break;
    if (node instanceof z.ZodObject) node = node.shape[String(seg)];
    else if (node instanceof z.ZodArray) node = node.element;
    else if (node instanceof z.ZodRecord) node = node.valueType;
    else if (node instanceof z.ZodUnion)
      node = node.options.find((o: AnySchema) => unwrap(o) instanceof z.ZodObject);
    else return [];
  }
  node = unwrap(node);
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
  array: 'a list',
  object: 'a mapping',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
};

/** Turns zod issues for one file into positioned errors with expected/got wording. */
export function zodIssuesToErrors(
  source: YamlSource,
  schema: AnySchema,
  issues: z.core.$ZodIssue[],
): ProgramError[] {
  const out: ProgramError[] = [];
  const push = (path: DocPath, message: string, atKey = false) => {
    const pos = locate(source, path, atKey);
    out.push({ file: source.file, line: pos.line, col: pos.col, message: `${pathText(path)}: ${message}` });
  };
  for (const issue of issues) {
    const path: DocPath = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const got = valueAt(source.data, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = allowedKeys(schema, path);
        for (const key of issue.keys) {
          const hint = closest(key, allowed);
          push(
            [...path, key],
            `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''} (expected one of: ${allowed.join(', ')})`,
            true,
          );
        }
        break;
      }
      case 'invalid_type': {
        const expected = issue.message.startsWith('Invalid input')
          ? (TYPE_WORDS[issue.expected] ?? issue.expected)
          : issue.message;
        if (got === undefined) {
          push(
            path.slice(0, -1),
            `missing required key "${String(path[path.length - 1])}" (expected ${expected})`,
          );
        } else push(path, `expected ${expected}, got ${describeValue(got)}`);
        break;
      }
      case 'invalid_value':
        push(path, `expected one of ${issue.values.map(String).join(', ')}, got ${describeValue(got)}`);
        break;
      case 'too_small':
        push(
          path,
          `${issue.origin === 'array' ? `expected at least ${issue.minimum} item(s)` : `expected at least ${issue.minimum}`}, got ${describeValue(got)}`,
        );
        break;
      case 'too_big':
        push(path, `expected at most ${issue.maximum}, got ${describeValue(got)}`);
        break;
      default:
        push(path, `expected ${issue.message.replace(/^Invalid input: /, '')}, got ${describeValue(got)}`);
    }
  }
  return out;
}
