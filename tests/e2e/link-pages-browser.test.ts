import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryContacts } from '../../functions/adapters/memory/repositories.ts';
import { SILENT_LOG } from '../../functions/adapters/powertools-log.ts';
import { loadProgramFromDir } from '../../functions/adapters/program-files.ts';
import type { IngestDeps } from '../../functions/app/ingest-usage.ts';
import { handlePreferences } from '../../functions/app/preference-center.ts';
import { handleSurveyPage, surveyLinks } from '../../functions/app/survey-page.ts';
import { signLinkToken } from '../../functions/core/sending/signed-link.ts';
import { Contact } from '../../functions/core/shared/domain.ts';
import { launchChromium } from './chromium.ts';

// The preference and survey pages at phone and desktop widths: nothing wider than the viewport, no
// script, every control reachable.

const KEY = { id: 'k1', secret: 'browser-test-signing-key-0123456789abcdef' };
const NOW = Date.parse('2026-11-24T02:00:00Z');
const BASE = 'https://links.tsumiki.example/u';

async function pages(): Promise<{ name: string; html: string }[]> {
  const loaded = await loadProgramFromDir({ campaignsDir: 'campaigns', templatesDir: 'templates' });
  if (!loaded.program) throw new Error('the shipped program does not load');
  const contacts = new InMemoryContacts();
  const out: { name: string; html: string }[] = [];
  for (const locale of ['en', 'ja']) {
    const id = `c-${locale}`;
    await contacts.put(
      Contact.parse({
        id,
        accountId: 'a1',
        email: `${id}@example.com`,
        name: 'Person',
        locale,
        signedUpAt: '2026-01-01T00:00:00Z',
        topicOptOuts: ['product-updates'],
        pausedUntil: '2026-12-24T02:00:00Z',
      }),
    );
    const policy = loaded.program.policy.spec;
    const preferences = await handlePreferences(
      {
        method: 'GET',
        token: signLinkToken('preferences', { c: id }, NOW, KEY),
        form: new URLSearchParams(),
      },
      {
        clock: { now: () => NOW },
        contacts,
        log: SILENT_LOG,
        keys: [KEY],
        maxTokenAgeMs: 86_400_000,
        topics: policy.topics,
        linkBaseUrl: BASE,
        helpUrl: policy.brand.helpUrl,
        fallbackTimeZone: policy.fallbackTimeZone,
      },
    );
    expect(preferences.statusCode).toBe(200);
    out.push({ name: `preferences-${locale}`, html: preferences.body });
    const [, , , , , , , , link] = surveyLinks(
      BASE,
      KEY,
      { contactId: id, accountId: 'a1', wave: 'w1' },
      NOW,
    );
    const url = new URL(link ?? '');
    const ingest = { clock: { now: () => NOW }, contacts, log: SILENT_LOG } as unknown as IngestDeps;
    const survey = await handleSurveyPage(
      {
        method: 'GET',
        token: url.searchParams.get('token') ?? '',
        score: url.searchParams.get('score') ?? '',
        form: new URLSearchParams(),
      },
      { ingest, keys: [KEY], maxTokenAgeMs: 86_400_000, linkBaseUrl: BASE },
    );
    expect(survey.statusCode).toBe(200);
    out.push({ name: `survey-${locale}`, html: survey.body });
  }
  return out;
}

describe('link pages in headless Chromium', () => {
  let browser: Browser;
  let rendered: { name: string; html: string }[];

  beforeAll(async () => {
    rendered = await pages();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('fit 375 px and 1280 px without horizontal overflow, with no script', async () => {
    for (const width of [375, 1280]) {
      const context = await browser.newContext({
        viewport: { width, height: 800 },
        javaScriptEnabled: false,
      });
      const probe = await browser.newContext({ viewport: { width, height: 800 } });
      for (const { name, html } of rendered) {
        expect(html, name).not.toMatch(/<script/i);
        const page = await context.newPage();
        await page.setContent(html);
        expect(await page.locator('button').count(), name).toBeGreaterThan(0);
        await page.close();
        // Layout is measured with script on, in a second context; the page itself has none.
        const measured = await probe.newPage();
        await measured.setContent(html);
        const [scrollWidth, clientWidth] = await measured
          .locator('html')
          .evaluate((root) => [root.scrollWidth, root.clientWidth]);
        expect(scrollWidth, `${name} at ${width}px`).toBeLessThanOrEqual(clientWidth);
        await measured.close();
      }
      await context.close();
      await probe.close();
    }
  }, 120_000);
});
