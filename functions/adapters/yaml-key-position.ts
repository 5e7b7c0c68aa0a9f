import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';

/**
 * Finds where a key path (e.g. `steps.2.template`) sits in a YAML file on disk, as 1-based line and column
 * of its value; the file's first line when the file or the key cannot be found. Files are read once.
 */
export function yamlKeyLocator(): (
  file: string,
  path: readonly (string | number)[],
) => { line: number; column: number } {
  const parsed = new Map<string, { doc: ReturnType<typeof parseDocument>; lines: LineCounter } | undefined>();
  return (file, path) => {
    if (!parsed.has(file)) {
      try {
        const lines = new LineCounter();
        parsed.set(file, { doc: parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines }), lines });
      } catch {
        parsed.set(file, undefined);
      }
    }
    const entry = parsed.get(file);
    const node = entry?.doc.getIn(path, true);
    if (!entry || !isNode(node) || !node.range) return { line: 1, column: 1 };
    const { line, col } = entry.lines.linePos(node.range[0]);
    return { line, column: col };
  };
}
