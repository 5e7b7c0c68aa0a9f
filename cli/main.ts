#!/usr/bin/env node
import { Command } from 'commander';
import { registerDemo } from './commands/demo.ts';
import { registerKpi } from './commands/kpi.ts';
import { registerPreview } from './commands/preview.ts';
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
  registerPreview(program);
  registerKpi(program);
  return program;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildProgram().parseAsync(process.argv);
}
