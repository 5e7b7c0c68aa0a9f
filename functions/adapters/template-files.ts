import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hydrateTemplate, parseCompiledTemplateData, TemplateCatalog } from '../core/templates/catalog.ts';
import { compileTemplateData, type TemplateCompileCache } from '../core/templates/compile.ts';
import type { TemplateSourceSet } from '../core/templates/source.ts';
import {
  type CompiledTemplate,
  type CompiledTemplateData,
  TemplateCompileError,
  type TemplateProblem,
} from '../core/templates/types.ts';

/** The templates directory that ships with the project. */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates', import.meta.url));

/** How templates are loaded: an optional directory where compiled results persist between runs. */
export interface LoadTemplatesOptions {
  cacheDir?: string;
}

/** One `<campaign>/<step>.<locale>.mjml` file found in the templates directory. */
export interface TemplateFile {
  id: string;
  locale: string;
  /** path relative to the templates directory, with "/" separators */
  file: string;
  source: string;
  text?: string;
}

const TEMPLATE_FILE = /^(.+)\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.mjml$/;
const RESERVED = new Set(['layouts', 'partials']);

// Compiled results by content hash, shared by every catalog loaded in this process.
const memory = new Map<string, CompiledTemplateData>();

/** A compile cache in memory, optionally backed by `<cacheDir>/<hash>.json`. */
export function fileCompileCache(cacheDir?: string): TemplateCompileCache {
  const fileOf = (dir: string, hash: string) => join(dir, `${hash}.json`);
  const persist = async (dir: string, hash: string, data: CompiledTemplateData) => {
    await mkdir(dir, { recursive: true });
    // Write then rename so a concurrent reader never sees half a file.
    const temp = `${fileOf(dir, hash)}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(data));
    await rename(temp, fileOf(dir, hash));
  };
  return {
    async get(hash) {
      const hit = memory.get(hash);
      if (!cacheDir) return hit;
      try {
        const data = parseCompiledTemplateData(JSON.parse(await readFile(fileOf(cacheDir, hash), 'utf8')));
        if (data) {
          memory.set(hash, data);
          return data;
        }
      } catch {
        // missing or unreadable: fall through
      }
      // Compiled earlier in this process but not yet on disk: persist it so the next process can start warm.
      if (hit) await persist(cacheDir, hash, hit);
      return hit;
    },
    async set(hash, data) {
      memory.set(hash, data);
      if (cacheDir) await persist(cacheDir, hash, data);
    },
  };
}

async function walk(dir: string, root: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (dir === root && RESERVED.has(entry.name)) continue;
      files.push(...(await walk(full, root)));
    } else if (entry.isFile()) {
      files.push(relative(root, full).split(sep).join('/'));
    }
  }
  return files.sort();
}

async function readNamed(dir: string, ext: string): Promise<Record<string, string>> {
  const named: Record<string, string> = {};
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return named;
  }
  for (const name of entries.sort()) {
    if (name.endsWith(ext)) named[name.slice(0, -ext.length)] = await readFile(join(dir, name), 'utf8');
  }
  return named;
}

/** Reads layouts, partials and every template file (with its optional `.txt` override) from a directory. */
export async function readTemplateSources(
  dir: string,
): Promise<{ sources: TemplateSourceSet; files: TemplateFile[]; problems: TemplateProblem[] }> {
  const sources: TemplateSourceSet = {
    layouts: await readNamed(join(dir, 'layouts'), '.mjml'),
    partials: await readNamed(join(dir, 'partials'), '.mjml'),
  };
  const all = await walk(dir, dir);
  const present = new Set(all);
  const files: TemplateFile[] = [];
  const problems: TemplateProblem[] = [];
  for (const file of all) {
    if (file.endsWith('.txt') && present.has(file.replace(/\.txt$/, '.mjml'))) continue;
    const match = TEMPLATE_FILE.exec(file);
    if (!match?.[1] || !match[2] || !file.includes('/')) {
      if (file.endsWith('.mjml') || file.endsWith('.txt')) {
        problems.push({
          file,
          line: 1,
          column: 1,
          message:
            'template files are named <campaign>/<step>.<locale>.mjml, e.g. onboarding/welcome.ja.mjml',
        });
      }
      continue;
    }
    const textFile = file.replace(/\.mjml$/, '.txt');
    const source = await readFile(join(dir, file), 'utf8');
    const text = present.has(textFile) ? await readFile(join(dir, textFile), 'utf8') : undefined;
    files.push({ id: match[1], locale: match[2], file, source, ...(text !== undefined ? { text } : {}) });
  }
  return { sources, files, problems };
}

/**
 * Compiles every template in a directory (once per content hash) and returns what compiled plus every
 * problem as file:line, for `lowtouch validate`.
 */
export async function scanTemplateCatalog(
  dir: string,
  options: LoadTemplatesOptions = {},
): Promise<{
  catalog: TemplateCatalog;
  problems: TemplateProblem[];
  /** the locales each template id has a file for, whether or not it compiled */
  locales: Map<string, string[]>;
}> {
  const { sources, files, problems } = await readTemplateSources(dir);
  const locales = new Map<string, string[]>();
  for (const file of files) locales.set(file.id, [...(locales.get(file.id) ?? []), file.locale].sort());
  const cache = fileCompileCache(options.cacheDir);
  const compiled: CompiledTemplate[] = [];
  const results = await Promise.allSettled(
    files.map((file) =>
      compileTemplateData(file.id, file.locale, file.source, sources, {
        file: file.file,
        cache,
        ...(file.text !== undefined ? { text: file.text } : {}),
      }),
    ),
  );
  for (const result of results) {
    if (result.status === 'fulfilled') compiled.push(hydrateTemplate(result.value));
    else if (result.reason instanceof TemplateCompileError) problems.push(...result.reason.problems);
    else throw result.reason;
  }
  const display = relative(process.cwd(), dir) || '.';
  // A broken layout or partial is found once per template that uses it: report it once.
  const seen = new Set<string>();
  const unique = problems
    .map((problem) => ({
      file: join(display, problem.file),
      line: problem.line,
      column: problem.column ?? 1,
      message: problem.message,
    }))
    .filter((problem) => {
      const key = `${problem.file}:${problem.line}:${problem.column} ${problem.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return { catalog: new TemplateCatalog(compiled), problems: unique, locales };
}

/** Compiles every template in a directory once; throws TemplateCompileError listing all problems. */
export async function loadTemplateCatalog(
  dir: string = DEFAULT_TEMPLATES_DIR,
  options: LoadTemplatesOptions = {},
): Promise<TemplateCatalog> {
  const { catalog, problems } = await scanTemplateCatalog(dir, options);
  if (problems.length > 0) throw new TemplateCompileError(problems);
  return catalog;
}

export { loadTemplateBundle, writeTemplateBundle } from './template-bundle.ts';
