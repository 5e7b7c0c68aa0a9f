import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { launchChromium } from './chromium.ts';

// What a new user sees after `npm start`, on a small month (60 contacts, 10 days): the summary, the
// commands run afterwards on the same data, the outbox and the report.
let dir: string;
let demo: { stdout: string; stderr: string; exitCode: number };

function files(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

type Table = { name: string; rows: Record<string, unknown>[] };
function tables(root: string): Map<string, Table> {
  const found = new Map<string, Table>();
  for (const path of files(root).filter((p) => p.endsWith('.json'))) {
    const table: Table = JSON.parse(readFileSync(path, 'utf8'));
    found.set(table.name, table);
  }
  return found;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lowtouch-first-run-'));
  demo = await runCli([
    'demo',
    '--days',
    '10',
    '--contacts',
    '60',
    '--seed',
    '7',
    '--start',
    '2026-12-01T00:00:00Z',
    '--db',
    join(dir, 'db'),
    '--out',
    join(dir, 'out'),
    '--no-serve',
  ]);
}, 900_000);

describe('the first run', () => {
  it('prints a summary that fits 80 columns and ends with what to open', () => {
    expect(demo.exitCode).toBe(0);
    const lines = demo.stdout.trimEnd().split('\n');
    // only a bare path (the temporary directory can be long) may be wider
    for (const line of lines.filter((l) => !l.startsWith(`    ${dir}`)))
      expect(line.length, line).toBeLessThanOrEqual(80);
    const open = lines.slice(lines.indexOf('Open:'));
    expect(open.join('\n')).toContain('report.html');
    expect(open.join('\n')).toContain(join(dir, 'out', 'outbox', 'index.html'));
    expect(open.join('\n')).toContain('SES web UI');
  });

  it('leaves data that `lowtouch kpi` with no range reads at its own clock, reproducing the demo export', async () => {
    const again = await runCli(['kpi', '--db', join(dir, 'db'), '--out', join(dir, 'again')]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('2026-12-01..2026-12-10');
    expect(again.stdout).toContain('last simulated instant');
    const mine = tables(join(dir, 'out', 'kpi'));
    const theirs = tables(join(dir, 'again', 'kpi'));
    expect([...theirs.keys()].sort()).toEqual([...mine.keys()].sort());
    for (const [name, table] of mine) expect(theirs.get(name), name).toEqual(table);
  }, 600_000);

  it('exports KPI tables that all have rows, rates within [0, 1], three health colours and a churned period', () => {
    const exported = tables(join(dir, 'out', 'kpi'));
    expect(exported.size).toBeGreaterThanOrEqual(8);
    for (const [name, table] of exported) {
      expect(table.rows.length, name).toBeGreaterThan(0);
      for (const row of table.rows)
        for (const [column, value] of Object.entries(row)) {
          if (typeof value === 'number') expect(Number.isFinite(value), `${name}.${column}`).toBe(true);
          if (/_rate$|_share$/.test(column) && typeof value === 'number') {
            expect(value, `${name}.${column}`).toBeGreaterThanOrEqual(0);
            expect(value, `${name}.${column}`).toBeLessThanOrEqual(1);
          }
        }
    }
    for (const path of files(join(dir, 'out', 'kpi')).filter((p) => p.endsWith('.csv')))
      expect(readFileSync(path, 'utf8')).not.toMatch(/\bNaN\b/);
    const health = exported.get('health-by-tier')?.rows ?? [];
    for (const colour of ['green', 'yellow', 'red'])
      expect(
        health.reduce((sum, row) => sum + Number(row[colour] ?? 0), 0),
        colour,
      ).toBeGreaterThan(0);
    const cs = exported.get('cs-kpis')?.rows ?? [];
    expect(cs.some((row) => Number(row.churned) > 0)).toBe(true);
    // weeks are named by their first day inside the range
    expect(cs[0]?.period).toBe('2026-12-01');
  });

  it('reads breaker status and dry-run at the data clock and says which state dry-run evaluates', async () => {
    const status = await runCli(['breaker', 'status', '--db', join(dir, 'db')]);
    expect(status.stdout).toContain('2026-12-10');
    const dry = await runCli(['dry-run', '--db', join(dir, 'db'), '--at', '2026-12-05T01:00:00Z']);
    expect(dry.stdout).toContain('last simulated instant');
    expect(dry.stdout).toContain('2026-12-11T00:00:00.000Z');
  }, 600_000);

  it('writes an outbox with every sent email, decoded sender names and its simulated send time', () => {
    const html = readFileSync(join(dir, 'out', 'outbox', 'index.html'), 'utf8');
    const store = JSON.parse(readFileSync(join(dir, 'out', 'ses-store.json'), 'utf8'));
    expect((html.match(/<details class="mail"/g) ?? []).length).toBe(store.emails.length);
    expect(html).not.toContain('=?UTF-8?');
    expect(html).toMatch(/2026-12-\d\d \d\d:\d\d UTC/);
    expect(html).toContain('data-filter="campaignid"');
  });
});

describe('the outbox and the report in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  for (const width of [375, 1280])
    for (const page of ['outbox', 'report'])
      it(`shows the ${page} at ${width} px without overflow, console errors or requests`, async () => {
        const path =
          page === 'outbox'
            ? join(dir, 'out', 'outbox', 'index.html')
            : (files(join(dir, 'out', 'kpi')).find((p) => p.endsWith('report.html')) ?? '');
        const tab = await browser.newPage({ viewport: { width, height: 900 } });
        const errors: string[] = [];
        const requests: string[] = [];
        tab.on('console', (message) => {
          if (message.type() === 'error') errors.push(message.text());
        });
        tab.on('pageerror', (error) => errors.push(String(error)));
        tab.on('request', (request) => {
          if (!/^(file|data|about):/.test(request.url())) requests.push(request.url());
        });
        await tab.goto(pathToFileURL(path).href);
        if (page === 'outbox') {
          // open the first email: its rendered HTML frame is built then
          await tab.locator('details.mail > summary').first().click();
          await tab.locator('details.mail iframe').first().waitFor();
          await tab.locator('select[data-filter="campaignid"]').selectOption({ index: 1 });
          expect(Number(await tab.locator('#shown').textContent())).toBeGreaterThan(0);
        } else {
          expect(await tab.locator('nav a[href$="outbox/index.html"]').count()).toBe(1);
        }
        const overflow = Number(
          await tab.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'),
        );
        expect(overflow).toBeLessThanOrEqual(0);
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
        await tab.close();
      }, 120_000);
});
