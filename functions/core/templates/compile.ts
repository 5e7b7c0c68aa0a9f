import { createHash } from 'node:crypto';
import { convert } from 'html-to-text';
import { LiquidError, type Template } from 'liquidjs';
import mjml2html from 'mjml';
import { hydrateTemplate } from './catalog.ts';
import { textLiquid } from './liquid-engine.ts';
import { shapeOf, unknownPath } from './shape.ts';
import { composeTemplate, lineOriginOf, parseTemplateFile, type TemplateSourceSet } from './source.ts';
import {
  type CompiledTemplate,
  type CompiledTemplateData,
  TemplateCompileError,
  type TemplateKind,
  type TemplateProblem,
} from './types.ts';

/** Bump when the compile output changes, so cached results from older versions are not reused. */
export const TEMPLATE_COMPILER_VERSION = 'lowtouch-templates/3 mjml/5.4.1';

/** Where compiled templates are remembered between runs, keyed by content hash. */
export interface TemplateCompileCache {
  get(hash: string): Promise<CompiledTemplateData | undefined>;
  set(hash: string, data: CompiledTemplateData): Promise<void>;
}

/** Optional inputs of a compile: the file name for messages, a plain-text override and a cache. */
export interface CompileOptions {
  /** the template file relative to the templates directory, e.g. "onboarding/welcome.ja.mjml" */
  file?: string;
  /** the content of a `.txt` file next to the template, used as the plain-text part */
  text?: string;
  cache?: TemplateCompileCache;
}

/** The content hash of everything that goes into one compiled template. */
export function templateHash(
  id: string,
  locale: string,
  source: string,
  sources: TemplateSourceSet,
  text: string | undefined,
): string {
  const hash = createHash('sha256');
  const part = (value: string) => hash.update(`${value.length}:${value}`);
  part(TEMPLATE_COMPILER_VERSION);
  part(id);
  part(locale);
  part(source);
  part(text ?? '\u0000none');
  for (const [kind, set] of [
    ['layouts', sources.layouts],
    ['partials', sources.partials],
  ] as const) {
    for (const name of Object.keys(set).sort()) part(`${kind}/${name}=${set[name]}`);
  }
  return hash.digest('hex');
}

/**
 * Compiles one template file: front matter, layout and partials, MJML → responsive HTML with the Liquid left
 * intact, Liquid syntax and variable names checked, and the plain text derived. Throws TemplateCompileError
 * listing every problem as file:line.
 */
export async function compileTemplateSource(
  id: string,
  locale: string,
  source: string,
  sources: TemplateSourceSet,
  options: CompileOptions = {},
): Promise<CompiledTemplate> {
  const data = await compileTemplateData(id, locale, source, sources, options);
  return hydrateTemplate(data);
}

/** Like {@link compileTemplateSource} but returns the serializable result (what caches and bundles hold). */
export async function compileTemplateData(
  id: string,
  locale: string,
  source: string,
  sources: TemplateSourceSet,
  options: CompileOptions = {},
): Promise<CompiledTemplateData> {
  const file = options.file ?? `${id}.${locale}.mjml`;
  const hash = templateHash(id, locale, source, sources, options.text);
  const cached = await options.cache?.get(hash);
  if (cached && cached.hash === hash) return { ...cached, file };

  const parsed = parseTemplateFile(file, source);
  if (!parsed.ok) throw new TemplateCompileError(parsed.problems);
  const { frontMatter, keyLines } = parsed.value;
  const composed = composeTemplate(file, locale, parsed.value, sources);
  if (!composed.ok) throw new TemplateCompileError(composed.problems);

  const kind = frontMatter.kind;
  const problems: TemplateProblem[] = [];
  const textOnlyParts: [string, string | undefined][] = [
    ['subject', frontMatter.subject],
    ['preheader', frontMatter.preheader],
    ['fromName', frontMatter.fromName],
  ];
  for (const [key, value] of textOnlyParts) {
    if (value === undefined) continue;
    const line = keyLines[key] ?? 1;
    checkLiquid(value, kind, () => ({ file, line }), problems, `front matter ${key}: `);
  }
  checkLiquid(composed.value.mjml, kind, (row) => lineOriginOf(composed.value, row, file), problems, '');
  if (options.text !== undefined) {
    const textFile = file.replace(/\.mjml$/, '.txt');
    checkLiquid(options.text, kind, (row) => ({ file: textFile, line: row }), problems, '');
  }
  if (problems.length > 0) throw new TemplateCompileError(problems);

  const result = await mjml2html(composed.value.mjml, {
    validationLevel: 'soft',
    ignoreIncludes: true,
    keepComments: false,
  });
  for (const error of result.errors) {
    const origin = lineOriginOf(composed.value, error.line, file);
    problems.push({ ...origin, message: `MJML: ${error.message}` });
  }
  const html = result.html;
  if (kind === 'customer' && !hasUnsubscribeLink(html)) {
    problems.push({
      file,
      line: 1,
      message:
        'a customer email needs a visible unsubscribe link: <a ses:no-track href="{{ links.unsubscribe }}">…</a> (the footer partial has one)',
    });
  }
  if (problems.length > 0) throw new TemplateCompileError(problems);

  const data: CompiledTemplateData = {
    id,
    locale,
    kind,
    hash,
    file,
    subject: frontMatter.subject,
    preheader: frontMatter.preheader,
    ...(frontMatter.fromName !== undefined ? { fromName: frontMatter.fromName } : {}),
    html,
    text: options.text ?? htmlToLiquidText(html),
    textOverride: options.text !== undefined,
  };
  try {
    // The HTML went through MJML: make sure its Liquid still parses before anyone renders it.
    hydrateTemplate(data);
  } catch (cause) {
    throw new TemplateCompileError(
      [
        {
          file,
          line: 1,
          message: `Liquid no longer parses after MJML (${cause instanceof Error ? cause.message : String(cause)}); keep {% %} tags inside <mj-text> or <mj-raw>`,
        },
      ],
      { cause },
    );
  }
  await options.cache?.set(hash, data);
  return data;
}

/** Parses Liquid and checks every global variable path against the kind's scope shape. */
function checkLiquid(
  source: string,
  kind: TemplateKind,
  locate: (row: number) => { file: string; line: number },
  problems: TemplateProblem[],
  prefix: string,
): void {
  let templates: Template[];
  try {
    templates = textLiquid().parse(source);
  } catch (error) {
    const row = error instanceof LiquidError ? (error.token?.getPosition()[0] ?? 1) : 1;
    const message =
      error instanceof Error ? error.message.replace(/, line:\d+, col:\d+$/, '') : String(error);
    problems.push({ ...locate(row), message: `${prefix}Liquid: ${message}` });
    return;
  }
  const analysis = textLiquid().analyzeSync(templates, { partials: false });
  const shape = shapeOf(kind);
  for (const variables of Object.values(analysis.globals)) {
    for (const variable of variables) {
      const unknown = unknownPath(shape, variable.segments);
      if (unknown === undefined) continue;
      const root = String(variable.segments[0] ?? '');
      const known =
        'fields' in shape && unknown === root
          ? `; the context has ${Object.keys(shape.fields).sort().join(', ')}`
          : '; see docs/templates.md for the render context';
      problems.push({
        ...locate(variable.location.row),
        message: `${prefix}unknown variable ${unknown}${known}`,
      });
    }
  }
}

function hasUnsubscribeLink(html: string): boolean {
  for (const tag of html.match(/<a\b[^>]*>/gi) ?? []) {
    if (/\sses:no-track\b/i.test(tag) && /href\s*=\s*"\{\{\s*links\.unsubscribe\s*\}\}"/.test(tag))
      return true;
  }
  return false;
}

const PREVIEW_DIV = /<div style="display:none;[^"]*">[\s\S]*?<\/div>/;

// Layout-free tables of ours become one line per row ("Plan: standard", "✅ Invite a teammate").
const ROW_TABLE = /<table\b[^>]*\bclass="(lt-data|lt-check)\b[^"]*"[^>]*>([\s\S]*?)<\/table>/g;
const ROW = /<tr\b[^>]*>([\s\S]*?)<\/tr>/g;
const CELL = /<t[dh]\b[^>]*>([\s\S]*?)<\/t[dh]>/g;

function flattenRowTables(html: string): string {
  return html.replace(ROW_TABLE, (_whole, kind: string, body: string) => {
    const separator = kind === 'lt-data' ? ': ' : ' ';
    const rows = [...body.matchAll(ROW)].map((row) =>
      [...(row[1] ?? '').matchAll(CELL)].map((cell) => (cell[1] ?? '').trim()).join(separator),
    );
    return `<p>${rows.join('<br/>')}</p>`;
  });
}

/**
 * Derives the plain-text part (still Liquid) from the compiled HTML: no preheader filler, no images, headings
 * as written, and `table.lt-data` / `table.lt-check` rows as one line each.
 */
export function htmlToLiquidText(html: string): string {
  return convert(flattenRowTables(html.replace(PREVIEW_DIV, '')), {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
        selector,
        options: { uppercase: false },
      })),
    ],
  }).trim();
}
