import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProgramErrors, loadProgramFromDir } from '../functions/adapters/program-files.ts';
import { buildApp } from './build-app.ts';
import { ConfigError } from './config.ts';
import { ProgramInvalidError } from './program.ts';

// Entry point of `cdk synth` / `cdk deploy` (see cdk.json).
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

try {
  const { app } = await buildApp({
    projectRoot,
    validateProgram: async (dir) => {
      const { errors } = await loadProgramFromDir(dir);
      return errors.length > 0 ? formatProgramErrors(errors) : undefined;
    },
  });
  app.synth();
} catch (error) {
  // Configuration and campaign mistakes are the user's to fix: show the message, not a stack trace.
  if (error instanceof ConfigError || error instanceof ProgramInvalidError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
