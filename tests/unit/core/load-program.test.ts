import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatProgramErrors,
  loadProgram,
  type SourceFile,
} from '../../../functions/core/campaign/load-program.ts';
import { mustLoad, SHIPPED_TEMPLATES, shippedFiles, toSources } from './fixtures.ts';

const CORPUS = join(import.meta.dirname, '../../fixtures/broken-campaigns');

describe('shipped campaigns', () => {
  it('load without errors', () => {
    const program = mustLoad(shippedFiles());
    expect(program.campaigns.map((c) => c.id)).toEqual(['renewal', 'onboarding', 'feature-release']);
    expect([...program.segments.keys()]).toEqual(['new-contacts', 'power', 'steady', 'at-risk', 'admins']);
    const renewal = program.campaigns.find((c) => c.id === 'renewal');
    expect(renewal?.anchor?.path).toBe('account.renewalAt');
    expect(renewal?.steps.map((s) => s.timing)).toEqual([
      { kind: 'at', offsetMs: -90 * 86_400_000 },
      { kind: 'at', offsetMs: -90 * 86_400_000 },
      { kind: 'at', offsetMs: -60 * 86_400_000 },
      { kind: 'at', offsetMs: -30 * 86_400_000 },
    ]);
    expect(program.campaigns.find((c) => c.id === 'onboarding')?.holdoutFraction).toBeCloseTo(0.1);
  });

  it('report a missing template against the real template ids', () => {
    const { errors } = loadProgram(toSources(shippedFiles()), new Set(['onboarding/welcome']));
    expect(errors.length).toBeGreaterThan(5);
    expect(errors.every((e) => e.message.includes('not found (expected a file templates/'))).toBe(true);
  });

  it('report missing shared files', () => {
    const files = shippedFiles();
    files.delete('policy.yaml');
    files.delete('product.yaml');
    const { program, errors } = loadProgram(toSources(files), SHIPPED_TEMPLATES);
    expect(program).toBeUndefined();
    expect(formatProgramErrors(errors)).toContain('policy.yaml:1:1  missing file policy.yaml');
    expect(formatProgramErrors(errors)).toContain('product.yaml:1:1  missing file product.yaml');
  });

  it('skip paused campaigns but still validate them', () => {
    const files = shippedFiles();
    const onboarding = files.get('onboarding.yaml') ?? '';
    files.set('onboarding.yaml', `${onboarding}\nstatus: paused\n`);
    expect(mustLoad(files).campaigns.map((c) => c.id)).not.toContain('onboarding');
    files.set('onboarding.yaml', `${onboarding.replace('after: 2d', 'after: 2x')}\nstatus: paused\n`);
    expect(loadProgram(toSources(files), SHIPPED_TEMPLATES).errors).toHaveLength(1);
  });
});

const cases = readdirSync(CORPUS).sort();

describe('broken campaign corpus', () => {
  it('has at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('%s', (name) => {
    const sources = new Map(toSources(shippedFiles()).map((s): [string, SourceFile] => [s.path, s]));
    // Bytes, as the CLI reads them: the corpus has binary and non-UTF-8 files.
    for (const file of readdirSync(join(CORPUS, name)))
      if (file.endsWith('.yaml'))
        sources.set(`campaigns/${file}`, {
          path: `campaigns/${file}`,
          text: new Uint8Array(readFileSync(join(CORPUS, name, file))),
        });
    const expected = readFileSync(join(CORPUS, name, 'expected.txt'), 'utf8')
      .trim()
      .split('\n');
    const { program, errors } = loadProgram([...sources.values()], SHIPPED_TEMPLATES);
    expect(program).toBeUndefined();
    expect(formatProgramErrors(errors).split('\n')).toEqual(expected);
    // every error names file:line:col and the key path it is about
    for (const line of expected) expect(line).toMatch(/^campaigns\/[\w.-]+\.yaml:\d+:\d+ {2}\S/);
  });

  it('reports all errors at once, across files', () => {
    const files = shippedFiles();
    for (const name of ['01-typo-in-step-key', '12-bad-time-zone', '19-unknown-key-feature']) {
      for (const file of readdirSync(join(CORPUS, name)))
        if (file.endsWith('.yaml')) files.set(file, readFileSync(join(CORPUS, name, file), 'utf8'));
    }
    const text = formatProgramErrors(loadProgram(toSources(files), SHIPPED_TEMPLATES).errors);
    expect(text).toContain('onboarding.yaml:13:20  steps[0].aftr: unknown key "aftr"');
    expect(text).toContain('policy.yaml:2:19  fallbackTimeZone: unknown time zone "Asia/Tokio"');
    expect(text).toContain('health.yaml:3:25  keyFeatures[1]: unknown feature "taks"');
  });
});
