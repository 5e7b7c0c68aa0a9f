import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { formatProgramErrors, loadProgramFromDir } from '../../functions/adapters/program-files.ts';
import { scanTemplateCatalog } from '../../functions/adapters/template-files.ts';
import { yamlKeyLocator } from '../../functions/adapters/yaml-key-position.ts';
import type { Program } from '../../functions/core/campaign/program.ts';
import { printable } from '../../functions/core/shared/suggest.ts';
import { checkLocaleCoverage } from '../../functions/core/templates/locale-coverage.ts';
import { problemPlace, type TemplateProblem } from '../../functions/core/templates/types.ts';

/** What `lowtouch validate` found: every campaign error and template problem, one line each. */
export interface ValidateResult {
  program?: Program;
  /** `file:line:col  message`, for campaign files and templates alike */
  lines: string[];
  campaignErrors: number;
  templateProblems: number;
  /** templates that compiled, counted per file (id and locale) */
  templates: number;
}

async function scanTemplates(
  dir: string,
): Promise<{ problems: TemplateProblem[]; compiled: number; locales: Map<string, string[]> }> {
  try {
    const { catalog, problems, locales } = await scanTemplateCatalog(dir);
    return { problems, compiled: catalog.all().length, locales };
  } catch (error) {
    // A missing or unreadable directory is one problem to report, not a crash.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      problems: [
        {
          file: relative(process.cwd(), dir) || dir,
          line: 1,
          message: `cannot read the templates directory (${reason}); pass --templates <dir>`,
        },
      ],
      compiled: 0,
      locales: new Map(),
    };
  }
}

/** Checks the campaign files and compiles every template, collecting all problems at once. */
export async function runValidate(opts: { dir: string; templates?: string }): Promise<ValidateResult> {
  const templatesDir = opts.templates ?? join(opts.dir, '..', 'templates');
  const [loaded, scanned] = await Promise.all([
    loadProgramFromDir({ campaignsDir: opts.dir, templatesDir }).catch((error: unknown) => ({
      // The loader reports bad input as errors; a throw is a fault of its own, still shown as one line.
      program: undefined,
      errors: [
        {
          file: opts.dir,
          line: 1,
          col: 1,
          message: `validate stopped checking the campaign files (${error instanceof Error ? error.message : String(error)}); the templates were still checked`,
        },
      ],
    })),
    scanTemplates(templatesDir),
  ]);
  if (loaded.program && loaded.errors.length === 0) {
    const display = relative(process.cwd(), templatesDir) || templatesDir;
    scanned.problems.push(
      ...checkLocaleCoverage(
        loaded.program,
        (id) => scanned.locales.get(id) ?? [],
        yamlKeyLocator(),
        display,
      ),
    );
  }
  const templateLines = scanned.problems
    .slice()
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || (a.column ?? 1) - (b.column ?? 1))
    // Template files can hold any bytes; nothing from them may drive the terminal.
    .map((p) => printable(`${problemPlace(p)}  ${p.message}`));
  const campaignLines = loaded.errors.length > 0 ? formatProgramErrors(loaded.errors).split('\n') : [];
  if (!loaded.program && campaignLines.length === 0)
    campaignLines.push(`${opts.dir}:1:1  the campaigns did not load; run with a campaigns directory (--dir)`);
  return {
    ...(loaded.program && loaded.errors.length === 0 ? { program: loaded.program } : {}),
    lines: [...campaignLines, ...templateLines],
    campaignErrors: campaignLines.length,
    templateProblems: scanned.problems.length,
    templates: scanned.compiled,
  };
}

/** `lowtouch validate`: checks every campaign file and template and reports all errors at once. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'Check campaigns/*.yaml, segments, tiers, health, policy and product files, and compile every MJML/Liquid template; list every error as file:line.',
    )
    .option('--dir <campaigns dir>', 'the campaigns directory', 'campaigns')
    .option(
      '--templates <dir>',
      'the templates directory (default: templates/ beside the campaigns directory)',
    )
    .action(async (opts: { dir: string; templates?: string }) => {
      const result = await runValidate(opts);
      if (!result.program || result.lines.length > 0) {
        const parts = [
          `${result.campaignErrors} campaign error(s) in ${opts.dir}`,
          `${result.templateProblems} template problem(s) in ${opts.templates ?? join(opts.dir, '..', 'templates')}`,
        ];
        process.stderr.write(`${result.lines.join('\n')}\n\n${parts.join(', ')}\n`);
        process.exitCode = 1;
        return;
      }
      const loaded = result.program;
      const steps = loaded.campaigns.reduce((sum, c) => sum + c.steps.length, 0);
      process.stdout.write(
        `ok: ${loaded.campaigns.length} active campaign(s), ${steps} step(s), ${loaded.segments.size} segment(s) in ${opts.dir}; ${result.templates} template file(s) compile\n`,
      );
    });
}
