import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { type Chaos, NO_CHAOS, parseChaos } from '../../cli/chaos.ts';
import { sendIdOfStoredEmail } from '../../cli/demo/ledger.ts';
import { type DemoResult, runDemo } from '../../cli/demo/run-demo.ts';

// A small month: 60 contacts over 8 days around the release broadcast (2026-12-09), same seed every run.
const BASE = {
  days: 8,
  contacts: 60,
  seed: 7,
  start: Date.parse('2026-12-05T00:00:00Z'),
  campaignsDir: 'campaigns',
  templatesDir: 'templates',
};

const results: DemoResult[] = [];
afterAll(async () => {
  for (const result of results) await result.runtime.stop();
});

async function demo(chaos: Chaos): Promise<{ result: DemoResult; out: string }> {
  const out = await mkdtemp(join(tmpdir(), 'lowtouch-demo-'));
  const result = await runDemo({ ...BASE, out, chaos });
  results.push(result);
  return { result, out };
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function storedSendIds(result: DemoResult): string[] {
  return result.stored.flatMap((email) => {
    const id = sendIdOfStoredEmail(email);
    return id ? [id] : [];
  });
}

describe('the demo, end to end on the emulators', () => {
  let baseline: { result: DemoResult; out: string };

  it('writes KPI exports that agree with what the SES emulator received, without duplicates', async () => {
    baseline = await demo(NO_CHAOS);
    const { result, out } = baseline;
    const written = files(join(out, 'kpi'));
    for (const name of ['email-kpis.csv', 'email-kpis.json', 'login-kpis.csv', 'report.html'])
      expect(written.some((path) => path.endsWith(name))).toBe(true);

    const store = JSON.parse(readFileSync(join(out, 'ses-store.json'), 'utf8'));
    expect(store.emails.length).toBe(result.stored.length);
    const ids = storedSendIds(result);
    expect(ids.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);

    const sent = result.sends.filter((s) => s.status === 'sent' && s.channel === 'email');
    expect(new Set(sent.map((s) => s.sendId))).toEqual(new Set(ids));
    expect(result.ledger.summary).toMatchObject({
      duplicates: 0,
      missing: 0,
      unknownOutcomes: 0,
      ok: sent.length,
    });

    const csv = written.find((path) => path.endsWith('email-kpis.csv'));
    if (!csv) throw new Error('no email-kpis.csv');
    const rows: Record<string, string>[] = parse(readFileSync(csv, 'utf8'), { columns: true });
    const kpiSent = rows.reduce((sum, row) => sum + Number(row.sent ?? 0), 0);
    expect(kpiSent).toBe(ids.length);

    const ledger = JSON.parse(readFileSync(join(out, 'ledger.json'), 'utf8'));
    expect(ledger.summary.ok).toBe(ids.length);
    // Nobody is mailed before they sign up, before their account starts or after it churns, although
    // new contacts are stored from the start and sign up during the run, while campaigns go out.
    const signUps = (await result.runtime.kpiSource.listContacts()).map((c) => Date.parse(c.signedUpAt));
    expect(signUps.filter((at) => at > BASE.start).length).toBeGreaterThan(0);
    expect(ledger.summary.ineligible).toBe(0);
    expect(ledger.ineligible).toEqual([]);
    // no addresses or names leave the system in the KPI files
    for (const path of written.filter((p) => /\.(csv|json)$/.test(p)))
      expect(readFileSync(path, 'utf8')).not.toContain('@');
  });

  it('sends exactly the same set with duplicate delivery and 30% SES throttling', async () => {
    const { result } = await demo(parseChaos('duplicate-delivery,ses-throttle=0.3'));
    const ids = storedSendIds(result);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(storedSendIds(baseline.result)));
    expect(result.ledger.summary.duplicates).toBe(0);
  });

  it('turns crashes into reported unknown outcomes, never into duplicates', async () => {
    const { result } = await demo(parseChaos('crash-after-claim=0.05,crash-after-send=0.05'));
    const summary = result.ledger.summary;
    expect(summary.duplicates).toBe(0);
    expect(summary.missing).toBe(0);
    expect(summary.unknownOutcomes).toBeGreaterThan(0);
    expect(summary.ok + summary.unknownOutcomes + summary.failed + summary.pending).toBe(summary.intended);
    const ids = storedSendIds(result);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
