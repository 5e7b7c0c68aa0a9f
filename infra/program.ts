import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatProgramErrors, loadProgramFromDir } from '../functions/adapters/program-files.ts';
import { scanTemplateCatalog, writeTemplateBundle } from '../functions/adapters/template-files.ts';

/** Checks the campaigns and templates under a directory; resolves to the formatted errors, or undefined when valid. */
export type ProgramValidator = (programDir: string) => Promise<string | undefined>;

/** A campaign or template that does not validate; the message lists file:line:col and what is wrong. */
export class ProgramInvalidError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProgramInvalidError';
  }
}

/** Validates the program that will ship in the bundles; throws ProgramInvalidError so synth stops. */
export async function assertValidProgram(programDir: string, validate: ProgramValidator): Promise<void> {
  for (const sub of ['campaigns', 'templates']) {
    const dir = join(programDir, sub);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ProgramInvalidError(
        `lowtouch: ${dir} is missing. The program directory (config key programDir, now "${programDir}") must hold campaigns/ and templates/.`,
      );
    }
  }
  const errors = await validate(programDir);
  if (errors !== undefined && errors.trim() !== '') {
    throw new ProgramInvalidError(
      `lowtouch: the campaigns in ${programDir} do not validate, so nothing was synthesized. Fix these and run \`lowtouch validate\`:\n${errors}`,
    );
  }
}

/** The validator synth uses: the same loader and error format as `lowtouch validate`. */
export const validateProgramFiles: ProgramValidator = async (programDir) => {
  const { errors } = await loadProgramFromDir({
    campaignsDir: join(programDir, 'campaigns'),
    templatesDir: join(programDir, 'templates'),
  });
  return errors.length > 0 ? formatProgramErrors(errors) : undefined;
};

/** Compiles the templates under a program directory into one JSON bundle; throws ProgramInvalidError with file:line. */
export type TemplatePrecompiler = (programDir: string, outFile: string) => Promise<void>;

/**
 * Compiles every MJML template once at synth, so a function's cold start loads JSON instead of running
 * MJML, and a template that does not compile stops the deploy.
 */
export const precompileTemplates: TemplatePrecompiler = async (programDir, outFile) => {
  const { catalog, problems } = await scanTemplateCatalog(join(programDir, 'templates'));
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.file}:${p.line}  ${p.message}`).join('\n');
    throw new ProgramInvalidError(
      `lowtouch: the templates in ${programDir} do not compile, so nothing was synthesized. Fix these and run \`lowtouch validate\`:\n${list}`,
    );
  }
  await writeTemplateBundle(catalog, outFile);
};
