#!/usr/bin/env node
import { Command } from 'commander';
import { registerBreaker } from './commands/breaker.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDryRun } from './commands/dry-run.ts';
import { registerEvents } from './commands/events.ts';
import { registerImport } from './commands/import.ts';
import { registerKpi } from './commands/kpi.ts';
import { registerPreview } from './commands/preview.ts';
import { registerSendTest } from './commands/send-test.ts';
import { registerValidate } from './commands/validate.ts';

/** Builds the `lowtouch` command line; each command lives in cli/commands/<name>.ts. */
export function buildProgram(): Command {
  const program = new Command('lowtouch')
    .description(
      'Low-touch customer-success programs as code: validate, preview, simulate and run campaigns.',
    )
    .showHelpAfterError()
    .allowExcessArguments(false);
  // command registrations
  registerValidate(program);
  registerDemo(program);
  registerDryRun(program);
  registerPreview(program);
  registerKpi(program);
  registerImport(program);
  registerEvents(program);
  registerSendTest(program);
  registerBreaker(program);
  return program;
}

/** Runs the command line; user errors print their message (no stack) and exit 1. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`lowtouch: ${message}\n`);
    if (process.env.LOWTOUCH_DEBUG && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv);
