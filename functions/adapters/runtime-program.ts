import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Program } from '../core/campaign/program.ts';
import type { TemplateCatalog } from '../core/templates/catalog.ts';
import { ConfigError } from './config-error.ts';
import { formatProgramErrors, loadProgramFromDir } from './program-files.ts';
import { loadTemplateBundle } from './template-bundle.ts';

// Loads a deployed program (campaigns plus precompiled templates) from a function bundle's directory.

// Held in a variable so the bundler cannot follow it: the MJML compiler stays out of every function
// bundle, which ships precompiled templates.json instead. Only a run from source (no bundle) loads it.
const TEMPLATE_COMPILER_MODULE = './template-files.ts';

async function fileExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Compiles the templates directory with MJML; reached only when no precompiled bundle is present. */
async function compileTemplatesDir(dir: string): Promise<TemplateCatalog> {
  let compiler: unknown;
  try {
    compiler = await import(TEMPLATE_COMPILER_MODULE);
  } catch (error) {
    throw new ConfigError(
      `no precompiled templates at ${join(dir, '..', 'templates.json')} and the MJML compiler is not bundled; synthesize again (npx cdk synth writes templates.json into every function bundle)`,
      { cause: error },
    );
  }
  if (!hasCatalogLoader(compiler)) {
    throw new ConfigError(
      `${TEMPLATE_COMPILER_MODULE} does not export loadTemplateCatalog; the build is broken`,
    );
  }
  return compiler.loadTemplateCatalog(dir);
}

function hasCatalogLoader(
  module: unknown,
): module is { loadTemplateCatalog: (dir: string) => Promise<TemplateCatalog> } {
  return (
    typeof module === 'object' &&
    module !== null &&
    'loadTemplateCatalog' in module &&
    typeof module.loadTemplateCatalog === 'function'
  );
}

/**
 * Loads the campaigns and templates of a program directory: the precompiled templates.json beside
 * campaigns/ when present (always, in a deployed function), else templates/ compiled with MJML (a
 * run from source).
 */
export async function loadRuntimeProgram(
  dir: string,
): Promise<{ program: Program; catalog: TemplateCatalog }> {
  const { program, errors } = await loadProgramFromDir({
    campaignsDir: join(dir, 'campaigns'),
    templatesDir: join(dir, 'templates'),
  });
  if (!program)
    throw new ConfigError(`the bundled program in ${dir} does not load:\n${formatProgramErrors(errors)}`);
  const bundle = join(dir, 'templates.json');
  const catalog = (await fileExists(bundle))
    ? await loadTemplateBundle(bundle)
    : await compileTemplatesDir(join(dir, 'templates'));
  return { program, catalog };
}
