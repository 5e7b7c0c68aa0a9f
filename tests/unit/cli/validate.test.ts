import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runValidate } from '../../../cli/commands/validate.ts';
import { runCli } from '../../support/run-cli.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Runs `lowtouch validate` in-process and returns what it printed and its exit code. */
function validate(args: string[]) {
  return runCli(['validate', ...args]);
}

/** Replaces the first line matching `pattern` in a file; returns its 1-based line number. */
async function breakLine(file: string, pattern: RegExp, edit: (line: string) => string): Promise<number> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const index = lines.findIndex((line) => pattern.test(line));
  if (index < 0) throw new Error(`${file} has no line matching ${pattern}`);
  lines[index] = edit(lines[index] ?? '');
  await writeFile(file, lines.join('\n'));
  return index + 1;
}

describe('lowtouch validate', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lowtouch-validate-'));
    await cp(join(REPO, 'campaigns'), join(root, 'campaigns'), { recursive: true });
    await cp(join(REPO, 'templates'), join(root, 'templates'), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('passes the shipped campaigns and templates and counts the templates it compiled', async () => {
    const { stdout, stderr, exitCode } = await validate(['--dir', join(root, 'campaigns')]);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(
      /^ok: \d+ active campaign\(s\), \d+ step\(s\), \d+ segment\(s\) in .*; (\d+) template file\(s\) compile\n$/,
    );
    const compiled = Number(/; (\d+) template file/.exec(stdout)?.[1]);
    expect(compiled).toBeGreaterThanOrEqual(20);
  });

  it('lists MJML and Liquid problems with file:line next to the campaign errors, all at once, and exits 1', async () => {
    const mjmlLine = await breakLine(
      join(root, 'templates', 'onboarding', 'welcome.en.mjml'),
      /<mj-button /,
      (line) => line.replace('<mj-button ', '<mj-button colr="red" '),
    );
    const liquidLine = await breakLine(
      join(root, 'templates', 'renewal', '30-days.ja.mjml'),
      /\{\{ account\.name \}\}/,
      (line) => line.replace('{{ account.name }}', '{{ acount.name }}'),
    );
    const campaignLine = await breakLine(
      join(root, 'campaigns', 'onboarding.yaml'),
      /^\s*template: /,
      (line) => line.replace('template:', 'templte:'),
    );

    const { stdout, stderr, exitCode } = await validate(['--dir', join(root, 'campaigns')]);
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.split('\n');
    const find = (pattern: RegExp) => lines.find((line) => pattern.test(line));
    expect(find(new RegExp(`campaigns/onboarding\\.yaml:${campaignLine}:\\d+ .*templte`))).toBeDefined();
    expect(
      find(new RegExp(`templates/onboarding/welcome\\.en\\.mjml:${mjmlLine}:\\d+  MJML: .*colr`)),
    ).toBeDefined();
    expect(
      find(new RegExp(`templates/renewal/30-days\\.ja\\.mjml:${liquidLine}:\\d+  .*acount`)),
    ).toBeDefined();
    expect(stderr).toMatch(/1 campaign error\(s\) in .*, 2 template problem\(s\) in /);
  });

  it('reports a templates directory that cannot be read instead of crashing', async () => {
    const result = await runValidate({ dir: join(root, 'campaigns'), templates: join(root, 'nowhere') });
    expect(result.templateProblems).toBe(1);
    expect(result.lines.join('\n')).toMatch(
      /nowhere:1:1 {2}cannot read the templates directory .*--templates <dir>/,
    );
  });
});
