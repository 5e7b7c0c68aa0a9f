import type { Command } from 'commander';
import { formatProgramErrors, loadProgramFromDir } from '../../functions/adapters/program-files.ts';

/** `lowtouch validate`: checks every campaign file and reports all errors at once. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'Check campaigns/*.yaml, segments, tiers, health, policy and product files; list every error as file:line:col.',
    )
    .option('--dir <campaigns dir>', 'the campaigns directory', 'campaigns')
    .option(
      '--templates <dir>',
      'the templates directory (default: templates/ beside the campaigns directory)',
    )
    .action(async (opts: { dir: string; templates?: string }) => {
      const { program: loaded, errors } = await loadProgramFromDir({
        campaignsDir: opts.dir,
        ...(opts.templates ? { templatesDir: opts.templates } : {}),
      });
      if (!loaded || errors.length > 0) {
        process.stderr.write(`${formatProgramErrors(errors)}\n\n${errors.length} error(s) in ${opts.dir}\n`);
        process.exitCode = 1;
        return;
      }
      const steps = loaded.campaigns.reduce((sum, c) => sum + c.steps.length, 0);
      process.stdout.write(
        `ok: ${loaded.campaigns.length} active campaign(s), ${steps} step(s), ${loaded.segments.size} segment(s) in ${opts.dir}\n`,
      );
    });
}
