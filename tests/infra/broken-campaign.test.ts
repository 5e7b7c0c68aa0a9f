import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProgramInvalidError, validateProgramFiles } from '../../infra/program.ts';
import { brokenProgramCopy, buildTestApp } from './synth-helpers.ts';

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
});
