import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../functions/adapters/config-error.ts';
import { buildApp } from './build-app.ts';
import { ProgramInvalidError, precompileTemplates, validateProgramFiles } from './program.ts';
import { MissingHandlerError } from './stateless-stack.ts';

// Entry point of `cdk synth` / `cdk deploy` (see cdk.json).
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

try {
  const { app } = await buildApp({
    projectRoot,
    validateProgram: validateProgramFiles,
    precompileTemplates,
  });
  app.synth();
} catch (error) {
  // Configuration and campaign mistakes are the user's to fix: show the message, not a stack trace.
  if (
    error instanceof ConfigError ||
    error instanceof ProgramInvalidError ||
    error instanceof MissingHandlerError
  ) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
