import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import {
  formatProgramErrors,
  loadProgram,
  type ProgramError,
  type SourceFile,
} from '../core/campaign/load-program.ts';
import type { Program } from '../core/campaign/program.ts';

export type { ProgramError };
export { formatProgramErrors };

/** Where the campaign language lives: campaigns/ and the templates/ beside it by default. */
export interface ProgramDirs {
  campaignsDir: string;
  templatesDir?: string;
}

const TEMPLATE_FILE = /^(.+)\.([a-z]{2}(?:-[A-Za-z]{2,4})?)\.mjml$/;
const NOT_STEP_DIRS = new Set(['layouts', 'partials']);

/** Lists template ids (`onboarding/welcome`) from files named `<campaign>/<step>.<locale>.mjml`. */
export async function listTemplateIds(templatesDir: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let entries: string[];
  try {
    entries = await readdir(templatesDir, { recursive: true });
  } catch {
    return ids;
  }
  for (const entry of entries) {
    const path = entry.split('\\').join('/');
    const match = TEMPLATE_FILE.exec(path);
    const top = path.split('/')[0] ?? '';
    if (match?.[1] && path.includes('/') && !NOT_STEP_DIRS.has(top)) ids.add(match[1]);
  }
  return ids;
}

/** Reads every *.yaml in the campaigns directory, with paths shown relative to the working directory. */
export async function readCampaignFiles(campaignsDir: string): Promise<SourceFile[]> {
  const names = (await readdir(campaignsDir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  return Promise.all(
    names.map(async (name) => {
      const full = join(campaignsDir, name);
      // Bytes, not text: the loader checks the encoding and reports a non-UTF-8 file at its line.
      return { path: relative(process.cwd(), full) || full, text: new Uint8Array(await readFile(full)) };
    }),
  );
}

/** Loads and compiles the campaign directory; errors come back positioned, nothing is thrown for bad input. */
export async function loadProgramFromDir(
  dirs: ProgramDirs | string,
): Promise<{ program?: Program; errors: ProgramError[] }> {
  const { campaignsDir, templatesDir } =
    typeof dirs === 'string' ? { campaignsDir: dirs, templatesDir: undefined } : dirs;
  const campaigns = resolve(campaignsDir);
  let files: SourceFile[];
  try {
    files = await readCampaignFiles(campaigns);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      errors: [
        {
          file: campaignsDir,
          line: 1,
          col: 1,
          message: `cannot read the campaigns directory (${reason}); pass --dir <path>`,
        },
      ],
    };
  }
  const templateIds = await listTemplateIds(resolve(templatesDir ?? join(campaigns, '..', 'templates')));
  return loadProgram(files, templateIds);
}
