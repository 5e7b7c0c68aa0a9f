import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProgramInvalidError, precompileTemplates, validateProgramFiles } from '../../infra/program.ts';
import { brokenProgramCopy, buildTestApp, REPO_ROOT } from './synth-helpers.ts';

describe('synth with a broken campaign', () => {
  it('stops before any stack is built, naming file:line of the mistake', async () => {
    const { dir, line } = brokenProgramCopy();
    const attempt = buildTestApp({
      context: { 'lowtouch:programDir': dir },
      validateProgram: validateProgramFiles,
    });
    await expect(attempt).rejects.toBeInstanceOf(ProgramInvalidError);
    await expect(attempt).rejects.toThrow(new RegExp(`campaigns/onboarding\\.yaml:${line}:\\d+ .*templte`));
  });

  it('stops when the program directory has no campaigns/', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lowtouch-empty-'));
    await expect(
      buildTestApp({ context: { 'lowtouch:programDir': empty }, validateProgram: validateProgramFiles }),
    ).rejects.toThrow(/campaigns is missing/);
  });

  it('stops when a template does not compile, naming the template file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lowtouch-broken-template-'));
    cpSync(join(REPO_ROOT, 'campaigns'), join(dir, 'campaigns'), { recursive: true });
    cpSync(join(REPO_ROOT, 'templates'), join(dir, 'templates'), { recursive: true });
    const file = join(dir, 'templates', 'onboarding', 'welcome.en.mjml');
    const lines = readFileSync(file, 'utf8').split('\n');
    const index = lines.findIndex((text) => text.includes('<mj-text'));
    lines[index] = `${lines[index]} {{ contact.firstName `;
    writeFileSync(file, lines.join('\n'));
    const attempt = buildTestApp({
      context: { 'lowtouch:programDir': dir },
      validateProgram: async () => undefined,
      precompileTemplates,
    });
    await expect(attempt).rejects.toBeInstanceOf(ProgramInvalidError);
    await expect(attempt).rejects.toThrow(/templates\/onboarding\/welcome\.en\.mjml:\d+ +Liquid/);
  });
});
