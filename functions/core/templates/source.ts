// Over 300 lines: front matter, locale and layout lookup of one template file share one position map for error lines.
import { z } from 'zod';
import { safeParseYaml } from '../shared/safe-yaml.ts';
import { closest, describeValue } from '../shared/suggest.ts';
import type { TemplateProblem } from './types.ts';

/** The YAML block at the top of a template file. */
export const FrontMatter = z.strictObject({
  subject: z.string().min(1),
  preheader: z.string().default(''),
  fromName: z.string().min(1).optional(),
  /** a file in templates/layouts (without .mjml), or "none" when the body is a whole <mjml> document */
  layout: z.string().min(1).default('default'),
  kind: z.enum(['customer', 'csm-digest']).default('customer'),
});
export type FrontMatter = z.infer<typeof FrontMatter>;

/** Layouts and partials by name, e.g. layouts `{ default }`, partials `{ header, "footer.ja" }`. */
export interface TemplateSourceSet {
  layouts: Record<string, string>;
  partials: Record<string, string>;
}

/** Where one line of the composed MJML came from. */
export interface LineOrigin {
  file: string;
  line: number;
  /** added to a column of the composed line to get the column in the file (a partial tag splits a line) */
  columnShift?: number;
}

/** One source file as it takes part in a composed template: the body, the layout or a partial. */
export interface SourcePart {
  file: string;
  text: string;
  /** the file line of the text's first line */
  firstLine: number;
}

/** A template file split into its front matter and its MJML body. */
export interface ParsedTemplateFile {
  frontMatter: FrontMatter;
  body: string;
  /** 1-based line of the body's first line in the file */
  bodyLine: number;
  /** 1-based line of each front-matter key in the file */
  keyLines: Record<string, number>;
  /** 1-based column where each front-matter key's text starts (inside its quotes) */
  valueColumns: Record<string, number>;
}

/** Splits `---` front matter from the body and validates it; problems carry file:line. */
export function parseTemplateFile(
  file: string,
  source: string,
): { ok: true; value: ParsedTemplateFile } | { ok: false; problems: TemplateProblem[] } {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const match = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
  if (!match) {
    return {
      ok: false,
      problems: [
        { file, line: 1, message: 'missing front matter: start the file with ---, subject: …, ---' },
      ],
    };
  }
  const yamlText = match[1] ?? '';
  const keyLines: Record<string, number> = {};
  const valueColumns: Record<string, number> = {};
  yamlText.split('\n').forEach((line, index) => {
    const key = /^([A-Za-z][\w-]*)\s*:\s*["']?/.exec(line);
    if (key?.[1]) {
      keyLines[key[1]] = index + 2;
      valueColumns[key[1]] = key[0].length + 1;
    }
  });
  // The same defensive parse as campaign files: alias bombs, deep nesting and control bytes are one problem each.
  const yaml = safeParseYaml(file, yamlText, { firstLine: 2 });
  if (yaml.problems.length > 0) {
    return {
      ok: false,
      problems: yaml.problems.map((p) => ({
        file,
        line: p.line,
        column: p.col,
        message: `front matter: ${p.message}`,
      })),
    };
  }
  const data = yaml.data;
  const parsed = FrontMatter.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.flatMap((issue) => frontMatterProblems(file, issue, keyLines, data)),
    };
  }
  const headerLines = match[0].split('\n').length - (match[0].endsWith('\n') ? 1 : 0);
  return {
    ok: true,
    value: {
      frontMatter: parsed.data,
      body: text.slice(match[0].length),
      bodyLine: headerLines + 1,
      keyLines,
      valueColumns,
    },
  };
}

const FRONT_MATTER_HINTS: Record<string, string> = {
  subject: 'the subject line, e.g. subject: "Welcome to Tsumiki, {{ contact.name }}"',
  preheader: 'the inbox preview line, as text',
  fromName: 'the sender display name, as text',
  layout: 'a file in templates/layouts without .mjml, or none',
  kind: 'one of customer or csm-digest',
};

/** One front-matter problem per zod issue, phrased as what was expected, what was found and the fix. */
function frontMatterProblems(
  file: string,
  issue: z.core.$ZodIssue,
  keyLines: Record<string, number>,
  data: unknown,
): TemplateProblem[] {
  const allowed = Object.keys(FrontMatter.shape);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const guess = closest(key, allowed);
      return {
        file,
        line: keyLines[key] ?? 1,
        column: 1,
        message: `front matter: unknown key "${key}"${guess ? ` (did you mean ${guess}?)` : ''}; the keys are ${allowed.join(', ')}`,
      };
    });
  }
  const key = String(issue.path[0] ?? '');
  const value = typeof data === 'object' && data !== null && key in data ? Reflect.get(data, key) : undefined;
  const expected = FRONT_MATTER_HINTS[key] ?? allowed.join(', ');
  if (value === undefined) {
    return [
      {
        file,
        line: 2,
        column: 1,
        message: `front matter: missing required key "${key}" (expected ${expected}); add it between the --- lines`,
      },
    ];
  }
  return [
    {
      file,
      line: keyLines[key] ?? 1,
      column: 1,
      message: `front matter ${key}: expected ${expected}, got ${describeValue(value)}`,
    },
  ];
}

interface Line extends LineOrigin {
  text: string;
}

/** The MJML document of one template after layout and partials are put in place. */
export interface ComposedTemplate {
  mjml: string;
  /** origin of each composed line; index 0 is line 1 */
  origins: LineOrigin[];
  /** the body, the layout and each partial used, for checks that look at one file at a time */
  parts: SourcePart[];
}

const TAG = /<lt-(partial|content)\b(?:\s+name\s*=\s*"([^"]*)")?\s*\/>/g;
const MAX_DEPTH = 8;

/**
 * Puts the body into its layout (`<lt-content/>`) and replaces `<lt-partial name="x"/>` with partial x
 * (`x.<locale>` first, then `x`), keeping a map from each composed line to its file and line.
 */
export function composeTemplate(
  file: string,
  locale: string,
  parsed: ParsedTemplateFile,
  sources: TemplateSourceSet,
): { ok: true; value: ComposedTemplate } | { ok: false; problems: TemplateProblem[] } {
  const problems: TemplateProblem[] = [];
  const bodyLines = toLines(parsed.body, file, parsed.bodyLine);
  const parts = new Map<string, SourcePart>([
    [file, { file, text: parsed.body, firstLine: parsed.bodyLine }],
  ]);

  const expand = (lines: Line[], depth: number, stack: string[], isLayout: boolean): Line[] => {
    const out: Line[] = [];
    for (const line of lines) {
      let last = 0;
      const pieces: Line[] = [];
      for (const tag of line.text.matchAll(TAG)) {
        const before = line.text.slice(last, tag.index);
        if (before.trim())
          pieces.push({ ...line, text: before, columnShift: (line.columnShift ?? 0) + last });
        const at = { file: line.file, line: line.line, column: tag.index + 1 + (line.columnShift ?? 0) };
        last = tag.index + tag[0].length;
        if (tag[1] === 'content') {
          if (!isLayout) {
            problems.push({
              ...at,
              message: '<lt-content/> belongs in a layout, not in a template or partial',
            });
            continue;
          }
          pieces.push(...expand(bodyLines, depth + 1, [...stack, file], false));
          continue;
        }
        const name = tag[2] ?? '';
        const key = sources.partials[`${name}.${locale}`] !== undefined ? `${name}.${locale}` : name;
        const partial = sources.partials[key];
        const partialFile = `partials/${key}.mjml`;
        if (partial === undefined) {
          problems.push({
            ...at,
            message: `unknown partial ${JSON.stringify(name)}${partialGuess(name, sources)}; add templates/partials/${name}.mjml, or one per locale such as ${name}.en.mjml (known: ${Object.keys(sources.partials).sort().join(', ') || 'none'})`,
          });
        } else if (stack.includes(partialFile) || depth >= MAX_DEPTH) {
          problems.push({
            ...at,
            message: `partial ${name} includes itself (${[...stack, partialFile].join(' → ')})`,
          });
        } else {
          parts.set(partialFile, { file: partialFile, text: partial, firstLine: 1 });
          pieces.push(...expand(toLines(partial, partialFile, 1), depth + 1, [...stack, partialFile], false));
        }
      }
      if (last === 0) {
        out.push(line);
        continue;
      }
      const after = line.text.slice(last);
      if (after.trim()) pieces.push({ ...line, text: after, columnShift: (line.columnShift ?? 0) + last });
      out.push(...pieces);
    }
    return out;
  };

  let lines: Line[];
  if (parsed.frontMatter.layout === 'none') {
    lines = expand(bodyLines, 0, [file], false);
  } else {
    const layoutName = parsed.frontMatter.layout;
    const layout = sources.layouts[layoutName];
    if (layout === undefined) {
      return {
        ok: false,
        problems: [
          {
            file,
            line: parsed.keyLines.layout ?? 1,
            message: `unknown layout ${JSON.stringify(layoutName)}; add templates/layouts/${layoutName}.mjml or use one of: ${Object.keys(sources.layouts).sort().join(', ') || 'none'}`,
          },
        ],
      };
    }
    const layoutFile = `layouts/${layoutName}.mjml`;
    parts.set(layoutFile, { file: layoutFile, text: layout, firstLine: 1 });
    const layoutLines = toLines(layout, layoutFile, 1);
    if (!layoutLines.some((line) => /<lt-content\s*\/>/.test(line.text))) {
      problems.push({
        file: layoutFile,
        line: 1,
        message: 'the layout has no <lt-content/> where the template body goes',
      });
    }
    lines = expand(layoutLines, 0, [layoutFile], true);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: { mjml: lines.map((line) => line.text).join('\n'), origins: lines, parts: [...parts.values()] },
  };
}

function partialGuess(name: string, sources: TemplateSourceSet): string {
  const names = new Set(
    Object.keys(sources.partials).map((key) => key.replace(/\.[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, '')),
  );
  const guess = closest(name, names);
  return guess ? ` (did you mean ${guess}?)` : '';
}

function toLines(text: string, file: string, firstLine: number): Line[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((lineText, index) => ({ text: lineText, file, line: firstLine + index }));
}

/** The file:line:col of a 1-based line (and column) of the composed MJML. */
export function lineOriginOf(
  composed: ComposedTemplate,
  line: number,
  fallbackFile: string,
  column = 1,
): { file: string; line: number; column: number } {
  const origin = composed.origins[line - 1];
  return origin
    ? { file: origin.file, line: origin.line, column: column + (origin.columnShift ?? 0) }
    : { file: fallbackFile, line: 1, column: 1 };
}
