import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.ts';

// A project copy with one more campaign: a trial reminder timed from account.trialEndsAt, whose templates
// live only beside the copied campaigns directory.
let root: string;
let out: string;

const TRIAL_CAMPAIGN = [
  'id: trial',
  'kind: onboarding',
  'topic: onboarding-tips',
  'audience: { segment: new-contacts }',
  'steps:',
  '  - id: ends-soon',
  '    at: { field: account.trialEndsAt, offset: -7d }',
  '    template: trial/ends-soon',
  '',
].join('\n');

const trialTemplate = (greeting: string) =>
  [
    '---',
    `subject: "${greeting}: {{ account.trialEndsAt | days_until }} days left in your trial"`,
    '---',
    '<mj-section>',
    '  <mj-column>',
    '    <mj-text>Your trial ends on {{ account.trialEndsAt | local_date }}.</mj-text>',
    '  </mj-column>',
    '</mj-section>',
    '',
  ].join('\n');

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lowtouch-preview-truth-'));
  out = join(root, 'out');
  await cp('campaigns', join(root, 'campaigns'), { recursive: true });
  await cp('templates', join(root, 'templates'), { recursive: true });
  await writeFile(join(root, 'campaigns', 'trial.yaml'), TRIAL_CAMPAIGN);
  await cp(join(root, 'templates', 'onboarding'), join(root, 'templates', 'trial'), { recursive: true });
  await writeFile(join(root, 'templates', 'trial', 'ends-soon.en.mjml'), trialTemplate('Hi'));
  await writeFile(join(root, 'templates', 'trial', 'ends-soon.ja.mjml'), trialTemplate('こんにちは'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('lowtouch preview tells the truth', () => {
  it('dates a step timed from account.trialEndsAt by that field, and says which sample value it used', {
    timeout: 60_000,
  }, async () => {
    const result = await runCli([
      'preview',
      'trial',
      'ends-soon',
      '--dir',
      join(root, 'campaigns'),
      '--persona',
      'new',
      '--locale',
      'en',
      '--out',
      out,
    ]);
    expect(result.stderr).toMatch(
      /note: trial\/ends-soon: at account\.trialEndsAt -7d: account\.trialEndsAt = \S+ \(persona new's own\), so the email is dated \S+/,
    );
    expect(result.exitCode).toBe(0);
    const meta = JSON.parse(await readFile(join(out, 'trial', 'ends-soon.en.json'), 'utf8'));
    expect(meta.subject).toBe('Hi: 7 days left in your trial');
    expect(meta.timing).toMatch(/^at account\.trialEndsAt -7d: account\.trialEndsAt = /);
    const trialEnd = /account\.trialEndsAt = (\S+)/.exec(meta.timing)?.[1] ?? '';
    expect(Date.parse(trialEnd) - Date.parse(meta.at)).toBe(7 * 86_400_000);
  });

  it('finds the templates beside --dir, like validate does', { timeout: 60_000 }, async () => {
    const result = await runCli([
      'preview',
      'trial',
      '--dir',
      join(root, 'campaigns'),
      '--persona',
      'new',
      '--out',
      out,
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('2 preview(s) written');
    const ja = JSON.parse(await readFile(join(out, 'trial', 'ends-soon.ja.json'), 'utf8'));
    expect(ja.subject).toBe('こんにちは: 7 days left in your trial');
  });

  it('reports a missing locale and exits non-zero instead of writing English', {
    timeout: 60_000,
  }, async () => {
    await rm(join(root, 'templates', 'trial', 'ends-soon.ja.mjml'));
    const result = await runCli(['preview', 'trial', '--dir', join(root, 'campaigns'), '--out', out]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'error: template trial/ends-soon has no ja version (campaign trial sends in ja; it has en): add templates/trial/ends-soon.ja.mjml, or give the campaign fallback: en',
    );
    expect(result.stdout).toContain('1 preview(s) written');

    const onlyJa = await runCli([
      'preview',
      'trial',
      '--dir',
      join(root, 'campaigns'),
      '--locale',
      'ja',
      '--out',
      out,
    ]);
    expect(onlyJa.exitCode).toBe(1);
    expect(onlyJa.stdout).toContain('0 preview(s) written');
  });

  it('previews the fallback a campaign chose, and says so', { timeout: 60_000 }, async () => {
    await rm(join(root, 'templates', 'trial', 'ends-soon.ja.mjml'));
    await writeFile(join(root, 'campaigns', 'trial.yaml'), `${TRIAL_CAMPAIGN}fallback: en\n`);
    const result = await runCli(['preview', 'trial', '--dir', join(root, 'campaigns'), '--out', out]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      'note: trial/ends-soon.ja: template trial/ends-soon has no ja version; campaign trial says fallback: en, so ja contacts get the en email',
    );
    const ja = JSON.parse(await readFile(join(out, 'trial', 'ends-soon.ja.json'), 'utf8'));
    expect(ja).toMatchObject({ locale: 'en', fallbackFor: 'ja' });
  });
});
