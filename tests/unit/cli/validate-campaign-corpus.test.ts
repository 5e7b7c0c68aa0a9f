import { readdirSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatProgramErrors, loadProgramFromDir } from '../../../functions/adapters/program-files.ts';
import { runCli } from '../../support/run-cli.ts';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const CORPUS = join(REPO, 'tests', 'fixtures', 'broken-campaigns');

/** A copy of the shipped campaigns in a fresh directory, with the given files added or replaced. */
async function campaignsWith(root: string, files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = join(root, 'campaigns');
  await cp(join(REPO, 'campaigns'), dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

/** The control characters in a text, as char codes (tab allowed). */
function controlCodes(text: string): number[] {
  return [...text]
    .map((ch) => ch.charCodeAt(0))
    .filter((code) => (code < 0x20 && code !== 0x09) || code === 0x7f);
}

/** Error lines with the temporary directory shown as campaigns/, as in the expected files. */
function asShipped(text: string, dir: string): string[] {
  const shown = relative(process.cwd(), dir) || dir;
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${shown}/`))
    .map((line) => line.replaceAll(`${shown}/`, 'campaigns/'));
}

describe('broken campaign corpus, read from disk the way lowtouch validate reads it', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lowtouch-corpus-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('has at least 50 cases', async () => {
    expect((await readdir(CORPUS)).length).toBeGreaterThanOrEqual(50);
  });

  it.each(readdirSync(CORPUS).sort())(
    '%s',
    async (name) => {
      const files: Record<string, Uint8Array> = {};
      for (const file of await readdir(join(CORPUS, name)))
        if (file.endsWith('.yaml')) files[file] = new Uint8Array(await readFile(join(CORPUS, name, file)));
      const dir = await campaignsWith(root, files);
      const expected = (await readFile(join(CORPUS, name, 'expected.txt'), 'utf8')).trimEnd().split('\n');
      const { program, errors } = await loadProgramFromDir({
        campaignsDir: dir,
        templatesDir: join(REPO, 'templates'),
      });
      expect(program).toBeUndefined();
      expect(asShipped(formatProgramErrors(errors), dir)).toEqual(expected);
      for (const line of expected) {
        expect(line).toMatch(/^campaigns\/[\w.-]+\.yaml:\d+:\d+ {2}\S/);
        expect(line).not.toMatch(/Invalid input|Invalid ISO|Too small|Too big|Maximum call stack/);
        // nothing that can drive a terminal: control characters are shown escaped
        expect(controlCodes(line)).toEqual([]);
      }
    },
    60_000,
  );
});

describe('lowtouch validate on a directory with one broken file among good ones', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lowtouch-one-broken-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const copies = async () => {
    const onboarding = await readFile(join(REPO, 'campaigns', 'onboarding.yaml'), 'utf8');
    return Object.fromEntries(
      ['one', 'two', 'three'].map((n) => [
        `onboarding-${n}.yaml`,
        onboarding.replace('id: onboarding', `id: onboarding-${n}`),
      ]),
    );
  };

  it('reports only the broken files, and checks every other file', async () => {
    const renewal = await readFile(join(REPO, 'campaigns', 'renewal.yaml'), 'utf8');
    const binary = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x07,
    ]);
    const dir = await campaignsWith(root, {
      ...(await copies()),
      'logo.yaml': binary,
      // a second mistake, in a file that looks as good as the others
      'renewal.yaml': renewal.replace('template: renewal/60-days', 'template: renewal/60-day'),
    });
    expect((await readdir(dir)).length).toBeGreaterThanOrEqual(11);

    const { stdout, stderr, exitCode } = await runCli([
      'validate',
      '--dir',
      dir,
      '--templates',
      join(REPO, 'templates'),
    ]);
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(asShipped(stderr, dir)).toEqual([
      'campaigns/logo.yaml:3:1  file looks binary (a NUL byte at line 3); campaign files and front matter are UTF-8 text',
      'campaigns/renewal.yaml:24:15  steps[2].template: template "renewal/60-day" not found (expected a file templates/renewal/60-day.<locale>.mjml)',
    ]);
    expect(stderr).toMatch(/\n2 campaign error\(s\) in /);
    // the binary's NUL, ESC and BEL bytes never reach the terminal
    expect(controlCodes(stderr.replaceAll('\n', ''))).toEqual([]);
  }, 60_000);

  it('turns a very large file into one error and still checks the others', async () => {
    const huge = `# generated\nid: huge\n${'# padding line to make the file large\n'.repeat(40_000)}`;
    const dir = await campaignsWith(root, {
      ...(await copies()),
      'huge.yaml': huge,
      'onboarding-two.yaml':
        (await copies())['onboarding-two.yaml']?.replace(
          'holdout: 10%',
          'holdout: 10%\nreentry: sometimes',
        ) ?? '',
    });
    const { program, errors } = await loadProgramFromDir({
      campaignsDir: dir,
      templatesDir: join(REPO, 'templates'),
    });
    expect(program).toBeUndefined();
    expect(asShipped(formatProgramErrors(errors), dir)).toEqual([
      'campaigns/huge.yaml:1:1  file is 1.4 MB, over the 1.0 MB limit for a YAML file (is this the right file? split it if it is)',
      'campaigns/onboarding-two.yaml:12:10  reentry: expected one of never or { after: <duration> } such as { after: 90d }, got "sometimes"',
    ]);
  }, 60_000);
});
