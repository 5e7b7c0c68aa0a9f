import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPreview } from '../../../cli/commands/preview.ts';

let out: string;
beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'lowtouch-preview-'));
});
afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

const base = () => ({
  out,
  campaignsDir: 'campaigns',
  templatesDir: 'templates',
  fromAddress: 'hello@tsumiki.example',
});

describe('lowtouch preview', () => {
  it('renders one step variant for one persona and locale into html, txt and json', async () => {
    const { written } = await runPreview({
      ...base(),
      campaign: 'onboarding',
      step: 'invite-team',
      variant: 'b',
      locale: 'ja',
      persona: 'steady',
    });
    expect(written.map((w) => relative(out, w.html))).toEqual(['onboarding/invite-team.b.ja.html']);
    expect((await readdir(join(out, 'onboarding'))).sort()).toEqual([
      'invite-team.b.ja.html',
      'invite-team.b.ja.json',
      'invite-team.b.ja.txt',
    ]);
    const meta = JSON.parse(await readFile(join(out, 'onboarding/invite-team.b.ja.json'), 'utf8'));
    expect(meta).toMatchObject({
      templateId: 'onboarding/invite-team-b',
      campaign: 'onboarding',
      step: 'invite-team',
      variant: 'b',
      persona: 'steady',
      locale: 'ja',
      fromName: 'Tsumiki カスタマーサクセス 佐藤',
    });
    expect(meta.subject).toBe('佐々木 健太様、進捗確認の手間を減らしませんか');
    expect(meta.headers.map((h: { name: string }) => h.name)).toEqual([
      'List-Unsubscribe',
      'List-Unsubscribe-Post',
    ]);
    const text = await readFile(join(out, 'onboarding/invite-team.b.ja.txt'), 'utf8');
    expect(text).toContain('北斗ロジスティクス株式会社');
  });

  it('renders segment-specific content with the persona of that segment', async () => {
    const { written } = await runPreview({ ...base(), campaign: 'feature-release', locale: 'en' });
    expect(written.map((w) => [relative(out, w.html), w.templateId, w.persona])).toEqual([
      ['feature-release/announce.en.html', 'feature-release/announce-basics', 'steady'],
      ['feature-release/announce.power.en.html', 'feature-release/announce-power', 'power'],
    ]);
  });

  it('dates renewal previews at the step’s own send moment', async () => {
    await runPreview({ ...base(), campaign: 'renewal', step: 'notice-60', locale: 'en' });
    const meta = JSON.parse(await readFile(join(out, 'renewal/notice-60.en.json'), 'utf8'));
    expect(meta.at).toBe('2026-12-22T12:00:00.000Z');
    expect(await readFile(join(out, 'renewal/notice-60.en.txt'), 'utf8')).toContain('renews in 60 days');
  });

  it('names the campaigns, steps and variants that exist when asked for one that does not', async () => {
    await expect(runPreview({ ...base(), campaign: 'nope' })).rejects.toThrow(
      /the campaigns are .*onboarding/,
    );
    await expect(runPreview({ ...base(), campaign: 'onboarding', step: 'nope' })).rejects.toThrow(
      /its steps are welcome, first-project, invite-team, check-in/,
    );
    await expect(
      runPreview({ ...base(), campaign: 'onboarding', step: 'welcome', variant: 'z' }),
    ).rejects.toThrow(/its variants are default/);
  });
});
