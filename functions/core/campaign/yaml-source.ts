import { type Document, isMap, isNode, isPair, isScalar, isSeq, type LineCounter } from 'yaml';
import { safeParseYaml, type YamlProblem } from '../shared/safe-yaml.ts';
import type { DocPath } from './rules.ts';

/** One problem in a campaign file, positioned for `file:line:col  message`. */
export type ProgramError = YamlProblem;

/** A parsed YAML file that can turn document paths into line and column. */
export interface YamlSource {
  file: string;
  doc: Document;
  data: unknown;
  lines: LineCounter;
}

/** Parses one campaign file defensively (see safeParseYaml); `data` is undefined when it is unusable. */
export function parseYamlSource(
  file: string,
  input: string | Uint8Array,
): { source: YamlSource; errors: ProgramError[] } {
  const { doc, data, lines, problems } = safeParseYaml(file, input);
  return { source: { file, doc, data, lines }, errors: problems };
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
