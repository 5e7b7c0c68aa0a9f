import type { SourcePart } from './source.ts';
import type { TemplateProblem } from './types.ts';

// MJML's parser quietly repairs a missing closing tag: a lost </mj-text> swallows everything up to the next
// </mj-text>, and a lost </mj-section> surfaces as an error in whatever file comes next (often the footer).
// Checking each file on its own puts the problem where the author made it.

/** Elements whose content is raw HTML for MJML: nothing inside them is parsed as MJML. */
export const ENDING_TAGS = new Set([
  'mj-text',
  'mj-button',
  'mj-raw',
  'mj-table',
  'mj-navbar-link',
  'mj-accordion-title',
  'mj-accordion-text',
  'mj-social-element',
  'mj-title',
  'mj-preview',
  'mj-style',
]);

/** One MJML tag found in a source text. */
export interface MjmlTag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  /** offset of `<` in the text */
  start: number;
  /** offset just after `>` */
  end: number;
}

const TAG =
  /<(\/?)(mjml|mj-[a-z][\w-]*)((?:\s+[^\s=>/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*(\/?)>/g;

/** Every `<mj-…>`, `</mj-…>` and `<mj-… />` tag of a text, in order. */
export function mjmlTags(text: string): MjmlTag[] {
  return [...text.matchAll(TAG)].map((match) => ({
    name: match[2] ?? '',
    closing: match[1] === '/',
    selfClosing: match[4] === '/',
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/** 1-based line and column of an offset in a text. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Checks that every MJML element a file opens is closed in the same file, in order, and that nothing is
 * opened inside an element whose content is raw HTML. Each problem points at the tag in that file.
 */
export function checkMjmlStructure(part: SourcePart): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const at = (offset: number) => {
    const { line, column } = positionOf(part.text, offset);
    return { file: part.file, line: line + part.firstLine - 1, column };
  };
  const describe = (tag: MjmlTag) => {
    const where = at(tag.start);
    return `line ${where.line}:${where.column}`;
  };
  const stack: MjmlTag[] = [];
  let raw: MjmlTag | undefined;
  for (const tag of mjmlTags(part.text)) {
    if (raw) {
      if (tag.closing && tag.name === raw.name) {
        raw = undefined;
        continue;
      }
      problems.push({
        ...at(raw.start),
        message: `<${raw.name}> is not closed before ${tag.closing ? `</${tag.name}>` : `<${tag.name}>`} (${describe(tag)}); add </${raw.name}> where its content ends (MJML would otherwise swallow what follows into this element)`,
      });
      raw = undefined;
    }
    if (tag.selfClosing) continue;
    if (!tag.closing) {
      if (ENDING_TAGS.has(tag.name)) raw = tag;
      else stack.push(tag);
      continue;
    }
    const depth = stack.map((open) => open.name).lastIndexOf(tag.name);
    if (depth === -1) {
      problems.push({
        ...at(tag.start),
        message: `</${tag.name}> closes nothing: no <${tag.name}> is open here in this file; remove it or add the opening <${tag.name}>`,
      });
      continue;
    }
    for (const open of stack.splice(depth + 1).reverse()) {
      problems.push({
        ...at(open.start),
        message: `<${open.name}> is not closed before </${tag.name}> (${describe(tag)}); add </${open.name}>`,
      });
    }
    stack.pop();
  }
  if (raw) {
    problems.push({
      ...at(raw.start),
      message: `<${raw.name}> is never closed in this file; add </${raw.name}> where its content ends`,
    });
  }
  for (const open of stack.reverse()) {
    problems.push({
      ...at(open.start),
      message: `<${open.name}> is never closed in this file; add </${open.name}> (each template, layout and partial must close what it opens)`,
    });
  }
  return problems.sort((a, b) => a.line - b.line || (a.column ?? 1) - (b.column ?? 1));
}

/** The innermost MJML element open at an offset of a composed document, e.g. "mj-column"; undefined at top. */
export function enclosingElement(text: string, offset: number): string | undefined {
  const stack: string[] = [];
  for (const tag of mjmlTags(text)) {
    if (tag.start >= offset) break;
    if (tag.selfClosing) continue;
    if (!tag.closing) stack.push(tag.name);
    else {
      const depth = stack.lastIndexOf(tag.name);
      if (depth !== -1) stack.splice(depth);
    }
  }
  return stack.at(-1);
}
