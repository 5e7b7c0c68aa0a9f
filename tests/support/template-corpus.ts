import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

/** The project root. */
export const REPO = resolve(import.meta.dirname, '..', '..');
/** One directory per broken-template case. */
export const TEMPLATE_CORPUS = join(REPO, 'tests', 'fixtures', 'broken-templates');

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

/**
 * Copies the shipped campaigns/ and templates/ into `root`, then lays corpus cases over them: their
 * campaigns/ and templates/ files replace or add files, and delete.txt lists files to remove.
 */
export async function projectWithCase(root: string, ...names: string[]): Promise<string> {
  await cp(join(REPO, 'campaigns'), join(root, 'campaigns'), { recursive: true });
  await cp(join(REPO, 'templates'), join(root, 'templates'), { recursive: true });
  for (const name of names) await layCase(root, name);
  return join(root, 'campaigns');
}

async function layCase(root: string, name: string): Promise<void> {
  const caseDir = join(TEMPLATE_CORPUS, name);
  for (const file of await filesUnder(caseDir)) {
    const rel = relative(caseDir, file);
    if (rel === 'expected.txt' || rel === 'delete.txt') continue;
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), await readFile(file));
  }
  const deletions = join(caseDir, 'delete.txt');
  if (await stat(deletions).catch(() => undefined)) {
    for (const rel of (await readFile(deletions, 'utf8')).split('\n').filter(Boolean))
      await rm(join(root, rel));
  }
}

/** The error lines of validate's output, with the temporary root shown as the project root. */
export function shippedLines(stderr: string, root: string): string[] {
  const shown = relative(process.cwd(), root) || root;
  return stderr
    .split('\n')
    .filter((line) => line.startsWith(`${shown}/`))
    .map((line) => line.replaceAll(`${shown}/`, ''));
}
