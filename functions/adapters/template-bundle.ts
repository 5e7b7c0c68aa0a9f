import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { catalogFromBundle, type TemplateCatalog } from '../core/templates/catalog.ts';

// Kept apart from template-files.ts so a function that only loads precompiled templates does not pull in MJML.

/** Writes the precompiled catalog as one JSON file (for a Lambda bundle or asset). */
export async function writeTemplateBundle(catalog: TemplateCatalog, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(catalog.toBundle()));
}

/** Loads a catalog from a JSON bundle written by {@link writeTemplateBundle}; no MJML runs. */
export async function loadTemplateBundle(file: string): Promise<TemplateCatalog> {
  return catalogFromBundle(JSON.parse(await readFile(file, 'utf8')));
}
