import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PreviewWritten, runPreview } from '../../cli/commands/preview.ts';
import { launchChromium } from './chromium.ts';

const OUT = resolve('out/preview-e2e');
const SHOTS = resolve('out/screenshots');
let browser: Browser;
let written: PreviewWritten[] = [];

beforeAll(async () => {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(SHOTS, { recursive: true });
  ({ written } = await runPreview({
    all: true,
    out: OUT,
    campaignsDir: 'campaigns',
    templatesDir: 'templates',
    fromAddress: 'hello@tsumiki.example',
  }));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('preview in a browser', () => {
  it('writes html, txt and json for every step × locale × variant, and every unused template', async () => {
    const names = written.map((w) => relative(OUT, w.html)).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'onboarding/welcome.ja.html',
        'onboarding/invite-team.a.en.html',
        'onboarding/invite-team.b.ja.html',
        'feature-release/announce.power.ja.html',
        'feature-release/announce.en.html',
        'renewal/notice-90.ja.html',
        'renewal/notice-30.en.html',
        'csm/digest.ja.html',
      ]),
    );
    const json = JSON.parse(await readFile(join(OUT, 'renewal/notice-30.ja.json'), 'utf8'));
    expect(json.subject).toBe('【ご契約更新のお知らせ】更新日まであと 30 日です');
    expect(json.headers).toContainEqual({
      name: 'List-Unsubscribe-Post',
      value: 'List-Unsubscribe=One-Click',
    });
    expect(json.from).toMatch(/^=\?UTF-8\?B\?.+\?= <hello@tsumiki\.example>$/);
    expect(await readFile(join(OUT, 'renewal/notice-30.ja.txt'), 'utf8')).toContain('2027年2月20日');
  });

  it('every preview fits a 375 px phone without horizontal scrolling, and renders at 800 px', async () => {
    const page = await browser.newPage();
    // Previews are files: nothing may reach the network (links and images point at reserved example hosts).
    await page.route(/^https?:\/\//, (route) => route.abort());
    const overflowing: string[] = [];
    for (const file of written) {
      const name = relative(OUT, file.html)
        .replace(/\.html$/, '')
        .replaceAll('/', '__');
      for (const width of [375, 800]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(pathToFileURL(file.html).href, { waitUntil: 'load' });
        await page.screenshot({ path: join(SHOTS, `${name}.${width}.png`), fullPage: true });
        if (width === 375) {
          // The page runs in the browser; the expression is a string because this project compiles without DOM types.
          const size = (await page.evaluate(
            '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
          )) as { scroll: number; client: number };
          if (size.scroll > size.client) overflowing.push(`${name}: ${size.scroll}px > ${size.client}px`);
        } else {
          const text = String(await page.evaluate("document.body.textContent ?? ''"));
          expect(text.length).toBeGreaterThan(200);
          expect(text).not.toMatch(/\{\{|\{%/);
        }
      }
    }
    expect(overflowing).toEqual([]);
    expect(written.length).toBeGreaterThanOrEqual(22);
    await page.close();
  });

  it('shows Japanese text with the unsubscribe link marked ses:no-track', async () => {
    const page = await browser.newPage();
    await page.route(/^https?:\/\//, (route) => route.abort());
    await page.setViewportSize({ width: 375, height: 900 });
    await page.goto(pathToFileURL(join(OUT, 'onboarding/welcome.ja.html')).href);
    expect(await page.title()).toContain('Tsumikiへようこそ');
    const unsubscribe = page.locator('a[ses\\:no-track]', { hasText: '配信停止' });
    await expect(unsubscribe.count()).resolves.toBe(1);
    expect(await unsubscribe.getAttribute('href')).toMatch(
      /^https:\/\/unsubscribe\.tsumiki\.example\/u\?token=u1\./,
    );
    await page.close();
  });
});
