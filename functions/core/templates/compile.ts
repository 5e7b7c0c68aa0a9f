import { createHash } from 'node:crypto';
import { convert } from 'html-to-text';
import mjml2html from 'mjml';
import { hydrateTemplate } from './catalog.ts';
import { checkLiquid } from './liquid-check.ts';
import { lostLiquid, lostLiquidMessage, markLiquid, unmarkLiquid } from './liquid-survival.ts';
import { checkMjmlStructure } from './mjml-structure.ts';
import { composeTemplate, lineOriginOf, parseTemplateFile, type TemplateSourceSet } from './source.ts';
import {
  type CompiledTemplate,
  type CompiledTemplateData,
  TemplateCompileError,
  type TemplateProblem,
} from './types.ts';

/** Bump when the compile output changes, so cached results from older versions are not reused. */
export const TEMPLATE_COMPILER_VERSION = 'lowtouch-templates/4 mjml/5.4.1';

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
  const { frontMatter, keyLines, valueColumns } = parsed.value;
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
    const shift = (valueColumns[key] ?? 1) - 1;
    problems.push(
      ...checkLiquid(
        value,
        kind,
        (_row, column) => ({ file, line, column: column + shift }),
        `front matter ${key}: `,
      ),
    );
  }
  const structure = composed.value.parts.flatMap(checkMjmlStructure);
  problems.push(...structure);
  problems.push(
    ...checkLiquid(
      composed.value.mjml,
      kind,
      (row, column) => lineOriginOf(composed.value, row, file, column),
      '',
    ),
  );
  if (options.text !== undefined) {
    const textFile = file.replace(/\.mjml$/, '.txt');
    problems.push(
      ...checkLiquid(options.text, kind, (row, column) => ({ file: textFile, line: row, column }), ''),
    );
  }
  // A broken element structure makes MJML's own findings land in the wrong file: report the cause only.
  if (structure.length > 0) throw new TemplateCompileError(problems);

  const marked = markLiquid(composed.value.mjml);
  const result = await mjml2html(marked.mjml, {
    // Every validator finding is an error (MJML's strict level); soft keeps the HTML for the checks below.
    validationLevel: 'soft',
    ignoreIncludes: true,
    keepComments: false,
  });
  for (const error of result.errors) {
    const origin = lineOriginOf(composed.value, error.line, file);
    problems.push({ ...origin, message: `MJML: ${mjmlMessage(error.message)}` });
  }
  const html = unmarkLiquid(result.html, marked);
  for (const lost of lostLiquid(composed.value.mjml, marked, result.html)) {
    problems.push({
      ...lineOriginOf(composed.value, lost.line, file, lost.column),
      message: lostLiquidMessage(lost),
    });
  }
  if (kind === 'customer' && !hasUnsubscribeLink(html)) {
    problems.push({
      file,
      line: 1,
      column: 1,
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
          column: 1,
          message: `Liquid no longer parses after MJML (${cause instanceof Error ? cause.message : String(cause)}); keep {% %} tags inside <mj-text> or <mj-raw>`,
        },
      ],
      { cause },
    );
  }
  await options.cache?.set(hash, data);
  return data;
}

/** MJML's validator messages, with the fix spelled out where MJML leaves it implicit. */
function mjmlMessage(message: string): string {
  const unknownTag = /^Element (\S+) doesn't exist or is not registered/.exec(message)?.[1];
  if (unknownTag)
    return `unknown element <${unknownTag}>; check the spelling (see https://documentation.mjml.io)`;
  const attribute = /^Attribute (\S+) is illegal/.exec(message)?.[1];
  if (attribute) return `${message}; remove it or check its spelling against the element's attributes`;
  return message;
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
