import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryExportSink } from '../../functions/adapters/export-sink-dir.ts';
import { exportKpis, snapshotKpiSource } from '../../functions/app/export-kpis.ts';
import { generateKpiFixture } from '../unit/kpi/helpers/fixtures.ts';
import { launchChromium } from './chromium.ts';

const OUT = resolve('out');
const EXPORT_DIR = join(OUT, 'kpi-report-e2e');
const EXPECTED_CHARTS = [
  'email-rates-feature-release',
  'email-rates-onboarding',
  'email-rates-renewal',
  'login-lift',
  'onboarding-funnel-onboarding',
  'health-by-tier',
  'nps-trend',
  'churn-trend',
];

describe('KPI report in headless Chromium', () => {
  let browser: Browser;
  let reportUrl: string;

  beforeAll(async () => {
    await rm(EXPORT_DIR, { recursive: true, force: true });
    await mkdir(OUT, { recursive: true });
    const result = await exportKpis(
      { formats: ['html'], campaigns: generateKpiFixture().campaigns },
      {
        source: snapshotKpiSource(generateKpiFixture()),
        sink: new DirectoryExportSink(EXPORT_DIR),
        clock: { now: () => Date.parse('2026-11-22T06:00:00Z') },
      },
    );
    expect(result.keys).toEqual(['kpi/dt=2026-11-21/report.html']);
    reportUrl = pathToFileURL(join(EXPORT_DIR, 'kpi/dt=2026-11-21/report.html')).href;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows every chart with no console error and no request beyond the file itself', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const blocked: string[] = [];
    // Only the report file itself may load; any other request is recorded and refused.
    await context.route('**/*', async (route) => {
      if (route.request().url() === reportUrl) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));

    const response = await page.goto(reportUrl, { waitUntil: 'load' });
    expect(response === null || response.ok()).toBe(true);
    await expect(page.title()).resolves.toBe('lowtouch KPI report 2026-10-23 – 2026-11-21');

    const charts = page.locator('svg[data-chart]');
    expect(await charts.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-chart')))).toEqual(
      EXPECTED_CHARTS,
    );
    for (const id of EXPECTED_CHARTS) {
      const chart = page.locator(`svg[data-chart="${id}"]`);
      const box = await chart.boundingBox();
      expect(box?.width, id).toBeGreaterThan(300);
      expect(box?.height, id).toBeGreaterThan(80);
      expect(await chart.locator('path.series, rect.bar').count(), id).toBeGreaterThan(0);
    }
    expect(await page.locator('text=No data in this range').count()).toBe(0);
    await page.screenshot({ path: join(OUT, 'kpi-report.png'), fullPage: true });

    expect(problems).toEqual([]);
    expect(blocked).toEqual([]);
    expect(requests).toEqual([reportUrl]);
    await context.close();
  });

  it('reads without JavaScript on a phone-sized screen, nothing wider than the viewport', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      javaScriptEnabled: false,
    });
    const blocked: string[] = [];
    await context.route('**/*', async (route) => {
      if (route.request().url() === reportUrl) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(reportUrl, { waitUntil: 'load' });
    for (const id of EXPECTED_CHARTS) {
      const box = await page.locator(`svg[data-chart="${id}"]`).boundingBox();
      expect(box, id).not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0), id).toBeLessThanOrEqual(390);
      expect(box?.width, id).toBeGreaterThan(250);
    }
    // Tables sit in <details>; opening one works without scripts.
    const details = page.locator('details', { hasText: 'Login KPIs per campaign' });
    await expect(details.locator('table').isVisible()).resolves.toBe(false);
    await details.locator('summary').click();
    await expect(details.locator('table').isVisible()).resolves.toBe(true);
    expect(await details.locator('tbody tr').count()).toBeGreaterThan(3);
    await page.screenshot({ path: join(OUT, 'kpi-report-mobile.png'), fullPage: true });
    expect(blocked).toEqual([]);
    await context.close();
  });
});
