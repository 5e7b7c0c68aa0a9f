import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.ts';
import { projectWithCase, shippedLines, TEMPLATE_CORPUS } from '../../support/template-corpus.ts';

// Each case is a copy of the shipped project with one template-side mistake laid over it (see
// tests/support/template-corpus.ts); expected.txt holds validate's exact lines for it.

describe('broken template corpus, through lowtouch validate', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lowtouch-template-corpus-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('has at least 25 cases, each with its expected lines', async () => {
    const cases = await readdir(TEMPLATE_CORPUS);
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const name of cases) {
      const expected = await readFile(join(TEMPLATE_CORPUS, name, 'expected.txt'), 'utf8');
      expect(expected.trim(), name).not.toBe('');
    }
  });

  it.each(readdirSync(TEMPLATE_CORPUS).sort())(
    '%s',
    async (name) => {
      const dir = await projectWithCase(root, name);
      const expected = (await readFile(join(TEMPLATE_CORPUS, name, 'expected.txt'), 'utf8'))
        .trimEnd()
        .split('\n');
      const result = await runCli(['validate', '--dir', dir]);
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe('');
      expect(shippedLines(result.stderr, root)).toEqual(expected);
      for (const line of expected) {
        expect(line).toMatch(/^(templates|campaigns)\/[\w./-]+:\d+:\d+ {2}\S/);
        expect(line).not.toMatch(/Invalid input|Maximum call stack|Unrecognized key/);
      }
    },
    60_000,
  );
});

describe('validate with one broken template among the shipped ones', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lowtouch-one-broken-template-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reports only the broken files and keeps checking every other one', { timeout: 60_000 }, async () => {
    const dir = await projectWithCase(
      root,
      '05-two-liquid-errors',
      '12-illegal-attribute',
      '27-template-without-locale-in-name',
    );
    const result = await runCli(['validate', '--dir', dir]);
    const expected = await Promise.all(
      ['05-two-liquid-errors', '12-illegal-attribute', '27-template-without-locale-in-name'].map(
        async (name) =>
          (await readFile(join(TEMPLATE_CORPUS, name, 'expected.txt'), 'utf8')).trimEnd().split('\n'),
      ),
    );
    expect(shippedLines(result.stderr, root).sort()).toEqual(expected.flat().sort());
    expect(result.stderr).toMatch(/0 campaign error\(s\) in .*, 4 template problem\(s\) in /);
  });
});
