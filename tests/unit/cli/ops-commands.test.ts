import { readFile } from 'node:fs/promises';
import { type Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { COLUMNS } from '../../../cli/import/columns.ts';
import { buildProgram } from '../../../cli/main.ts';

/** The program with every command throwing instead of exiting, and its output captured. */
function program(): { root: Command; output: string[] } {
  const root = buildProgram();
  const output: string[] = [];
  const quiet = (command: Command) => {
    command.exitOverride();
    command.configureOutput({ writeOut: (t) => output.push(t), writeErr: (t) => output.push(t) });
    for (const sub of command.commands) quiet(sub);
  };
  quiet(root);
  return { root, output };
}

async function parseError(args: string[]): Promise<CommanderError> {
  const { root } = program();
  try {
    await root.parseAsync(['node', 'lowtouch', ...args]);
  } catch (error) {
    if (error instanceof CommanderError) return error;
    throw error;
  }
  throw new Error(`lowtouch ${args.join(' ')} did not fail`);
}

function commandAt(path: string[]): Command {
  let command = program().root;
  for (const name of path) {
    const next = command.commands.find((c) => c.name() === name);
    if (!next) throw new Error(`no command ${path.join(' ')}`);
    command = next;
  }
  return command;
}

describe('CS ops commands on the command line', () => {
  it('rejects unknown flags before doing anything', async () => {
    for (const args of [
      ['import', 'accounts', 'a.csv', '--reject', 'x'],
      ['events', 'replay', 'e.jsonl', '--dry'],
      ['send-test', 'onboarding', 'welcome', '--to', 'a@b.co', '--persona-id', 'x'],
    ]) {
      const error = await parseError(args);
      expect(error.code).toBe('commander.unknownOption');
    }
  });

  it('rejects an unknown import kind and a send-test without --to', async () => {
    const kind = await parseError(['import', 'acounts', 'a.csv']);
    expect(kind.code).toBe('commander.invalidArgument');
    expect(kind.message).toContain('accounts, contacts, usage');
    const to = await parseError(['send-test', 'onboarding', 'welcome']);
    expect(to.code).toBe('commander.missingMandatoryOptionValue');
  });

  it('documents every flag, the columns and the exit codes in --help', () => {
    const importHelp = commandAt(['import']).helpInformation();
    for (const flag of ['--rejects', '--aws', '--db', '--stack-prefix', '--region'])
      expect(importHelp).toContain(flag);
    const full: string[] = [];
    const withText = commandAt(['import']);
    withText.configureOutput({ writeOut: (t) => full.push(t), writeErr: (t) => full.push(t) });
    withText.outputHelp();
    const text = full.join('');
    expect(text).toContain('contacts: id*, accountId*, email*, name*');
    expect(text).toContain('Exit code: 0 every row imported, 2 some rows rejected');

    const replayHelp = commandAt(['events', 'replay']).helpInformation();
    for (const flag of ['--rejects', '--concurrency', '--aws', '--db']) expect(replayHelp).toContain(flag);
    const sendHelp = commandAt(['send-test']).helpInformation();
    for (const flag of ['--to', '--persona', '--contact', '--locale', '--variant', '--from', '--aws', '--db'])
      expect(sendHelp).toContain(flag);
    expect(program().root.helpInformation()).toMatch(/import[\s\S]*events[\s\S]*send-test/);
  });
});

describe('docs/cli.md', () => {
  it('documents every import column of every kind', async () => {
    const docs = await readFile(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    for (const [kind, columns] of Object.entries(COLUMNS)) {
      const section = docs.split(`### ${kind}\n`)[1]?.split('\n### ')[0] ?? '';
      for (const column of columns) {
        const row = section.split('\n').find((line) => line.startsWith(`| \`${column.name}\` |`));
        expect(row, `${kind}.${column.name}`).toBeDefined();
        expect(row?.split('|')[2]?.trim(), `${kind}.${column.name} required`).toBe(
          column.required ? 'yes' : '',
        );
      }
    }
  });
});
