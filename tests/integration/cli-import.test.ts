import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../cli/connect.ts';
import { ImportFileError, parseCsv } from '../../cli/import/csv-file.ts';
import { type ImportOptions, runImport } from '../../cli/import/run-import.ts';
import type { ImportKind } from '../../functions/app/import-records.ts';

const NOW = Date.parse('2026-11-24T03:00:00Z');

let dir: string;
let db: string;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { isTTY: false, write: (t: string) => err.push(t) },
      now: () => NOW,
    },
  };
}

async function importFile(kind: ImportKind, name: string, text: string, extra: Partial<ImportOptions> = {}) {
  const file = join(dir, name);
  await writeFile(file, text);
  const run = io();
  const report = await runImport({ kind, file, aws: false, db, stackPrefix: 'Lowtouch', ...extra }, run.io);
  return { report, file, ...run };
}

async function snapshot() {
  const plane = await connect({ db });
  try {
    const accounts = (await plane.repos.accounts.listAll()).sort((a, b) => a.id.localeCompare(b.id));
    const contacts = [];
    for await (const page of plane.repos.contacts.scanSegment(0, 1)) contacts.push(...page);
    contacts.sort((a, b) => a.contact.id.localeCompare(b.contact.id));
    const usage = [];
    for (const stored of contacts)
      usage.push(...(await plane.repos.usage.listDays(stored.contact.id, '2000-01-01')));
    return { accounts, contacts, usage };
  } finally {
    await plane.stop();
  }
}

const ACCOUNTS = [
  'id,name,plan,status,currency,arr,mrr,startedAt,renewalAt,tier,csmEmail',
  'acct-1,Harbor Analytics Inc.,standard,active,USD,12000,1000,2025-04-01,2027-03-31,low,mari@tsumiki.example',
  'acct-2,"Minato Seisakusho, Ltd.",starter,trial,JPY,240000,20000,2026-11-01T09:00:00+09:00,,,',
  'acct-3,Bad Co,standard,paused,USD,12k,1000,2025-01-01,,,',
  'acct-4,Cedar & Pine Studio,starter,active,USD,1600,133.33,2024-06-01,2027-01-15,tech,',
  '',
].join('\n');

const CONTACTS = [
  'id,accountId,email,name,locale,timeZone,role,signedUpAt,topicOptOuts',
  'c-1,acct-1,emily@harbor.example,Emily Carter,en,America/New_York,admin,2026-11-20T10:15:00Z,product-updates',
  'c-2,acct-2,misaki@minato.example,田中 美咲,ja,Asia/Tokyo,owner,2026-11-02,',
  'c-3,acct-2,daisuke@minato.example,"Suzuki,',
  ' Daisuke",ja,Asia/Tokio,user,2026-11-03,',
  'c-4,acct-04,ghost@nowhere.example,Ghost,en,,user,2026-11-03,',
  'c-5,acct-4,not-an-address,Sarah,en,,billing,2026-11-03,',
  'c-6,acct-4,sarah@cedar.example,Sarah Mitchell,en,Europe/London,billing,2026-10-01,onboarding-tips;product-updates',
].join('\r\n');

const USAGE = [
  'contactId,date,logins,helpVisits,features',
  'c-1,2026-11-22,3,1,projects=2;reports=1',
  'c-1,2026-11-23,2,0,projects=1',
  'c-2,2026-11-23,1,0,',
  'c-3,2026-11-23,1,0,',
  'c-6,2026-11-31,1,0,',
  'c-6,2026-10-30,4,2,tasks=9',
].join('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lowtouch-import-'));
  db = join(dir, 'db');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lowtouch import on the local emulators', () => {
  it('imports accounts, writes the reject file with line numbers and reasons, and is idempotent', async () => {
    const first = await importFile('accounts', 'accounts.csv', ACCOUNTS);
    expect(first.report).toMatchObject({ exitCode: 2, total: 4, imported: 3 });
    expect(first.report.rejectFile).toBe(`${first.file}.rejects.csv`);
    expect(first.out.join('')).toContain('imported 3 of 4 accounts into local data in');
    expect(first.out.join('')).toContain(
      `rejected 1 row(s); reasons and line numbers are in ${first.file}.rejects.csv`,
    );
    expect(first.err.at(-1)).toBe('import accounts: 100% (4/4 rows, — rows/s)\n');

    const rejects = parseCsv(await readFile(`${first.file}.rejects.csv`), 'rejects');
    expect(rejects.header).toEqual([...(ACCOUNTS.split('\n')[0] ?? '').split(','), 'line', 'reason']);
    expect(rejects.rows).toHaveLength(1);
    const cells = rejects.rows[0]?.cells ?? [];
    expect(cells.slice(0, 3)).toEqual(['acct-3', 'Bad Co', 'standard']);
    expect(cells.at(-2)).toBe('4');
    expect(cells.at(-1)).toMatch(/^status: "paused" is invalid .* \| arr: "12k" is not a plain number;/);

    const before = await snapshot();
    const second = await importFile('accounts', 'accounts.csv', ACCOUNTS);
    expect(second.report).toMatchObject({ exitCode: 2, total: 4, imported: 3 });
    expect(second.report.rejected).toEqual(first.report.rejected);
    expect((await snapshot()).accounts).toEqual(before.accounts);
    expect(before.accounts.map((a) => [a.id, a.arr, a.tier ?? '-'])).toEqual([
      ['acct-1', 12000, 'low'],
      ['acct-2', 240000, '-'],
      ['acct-4', 1600, 'tech'],
    ]);
    expect(before.accounts[1]?.name).toBe('Minato Seisakusho, Ltd.');
    expect(before.accounts[1]?.startedAt).toBe('2026-11-01T09:00:00+09:00');
  });

  it('imports contacts: multi-line cells keep their starting line, unknown accounts are rejected', async () => {
    const first = await importFile('contacts', 'contacts.csv', CONTACTS);
    expect(first.report).toMatchObject({ exitCode: 2, total: 6, imported: 3 });
    expect(first.report.rejected.map((r) => [r.line, r.reason.split(';')[0]])).toEqual([
      [4, 'timeZone: "Asia/Tokio" is not an IANA time zone'],
      [6, 'accountId: "acct-04" is not a known account (did you mean "acct-4"?)'],
      [7, 'email: "not-an-address" is invalid (Invalid email address)'],
    ]);
    const rejects = parseCsv(await readFile(`${first.file}.rejects.csv`), 'rejects');
    expect(rejects.rows.map((row) => [row.cells[0], row.cells[3], row.cells.at(-2)])).toEqual([
      ['c-3', 'Suzuki,\r\n Daisuke', '4'],
      ['c-4', 'Ghost', '6'],
      ['c-5', 'Sarah', '7'],
    ]);

    const before = await snapshot();
    const second = await importFile('contacts', 'contacts.csv', CONTACTS);
    expect(second.report).toMatchObject({ exitCode: 2, total: 6, imported: 3 });
    expect((await snapshot()).contacts).toEqual(before.contacts);
    const emily = before.contacts.find((c) => c.contact.id === 'c-1')?.contact;
    expect(emily).toMatchObject({
      accountId: 'acct-1',
      timeZone: 'America/New_York',
      topicOptOuts: ['product-updates'],
    });
    const sarah = before.contacts.find((c) => c.contact.id === 'c-6')?.contact;
    expect(sarah?.topicOptOuts).toEqual(['onboarding-tips', 'product-updates']);
  });

  it('keeps opt-outs recorded since the last import', async () => {
    const plane = await connect({ db });
    try {
      expect(await plane.repos.contacts.optOut('c-1', { all: true })).toBe(true);
    } finally {
      await plane.stop();
    }
    const again = await importFile('contacts', 'contacts.csv', CONTACTS);
    expect(again.report.imported).toBe(3);
    const emily = (await snapshot()).contacts.find((c) => c.contact.id === 'c-1')?.contact;
    expect(emily?.unsubscribedAll).toBe(true);
  });

  it('imports usage rows, replacing days on a second import, and recomputes rollups', async () => {
    const first = await importFile('usage', 'usage.csv', USAGE);
    expect(first.report).toMatchObject({ exitCode: 2, total: 6, imported: 4, rollups: 3 });
    expect(first.report.rejected.map((r) => [r.line, r.reason.split(';')[0]])).toEqual([
      [5, 'contactId: "c-3" is not a known contact'],
      [6, 'date: "2026-11-31" is invalid (Invalid ISO date)'],
    ]);
    const before = await snapshot();
    const second = await importFile('usage', 'usage.csv', USAGE);
    expect(second.report).toMatchObject({ exitCode: 2, total: 6, imported: 4, rollups: 3 });
    const after = await snapshot();
    expect(after.usage).toEqual(before.usage);
    expect(after.usage.map((u) => [u.contactId, u.accountId, u.date, u.logins])).toEqual([
      ['c-1', 'acct-1', '2026-11-22', 3],
      ['c-1', 'acct-1', '2026-11-23', 2],
      ['c-2', 'acct-2', '2026-11-23', 1],
      ['c-6', 'acct-4', '2026-10-30', 4],
    ]);
    const emily = after.contacts.find((c) => c.contact.id === 'c-1')?.contact.usage;
    expect(emily).toMatchObject({ logins7d: 5, logins30d: 5, helpVisits30d: 1 });
    expect(emily?.features.projects?.count).toBe(3);
    const sarah = after.contacts.find((c) => c.contact.id === 'c-6')?.contact.usage;
    expect(sarah).toMatchObject({ logins7d: 0, logins30d: 4 });
  });

  it('fails the whole file on a misspelt column and writes nothing', async () => {
    const file = join(dir, 'typo.csv');
    await writeFile(file, 'id,accountId,emial,name,signedUpAt\nc-9,acct-1,x@example.com,X,2026-11-01\n');
    const run = io();
    await expect(
      runImport({ kind: 'contacts', file, aws: false, db, stackPrefix: 'Lowtouch' }, run.io),
    ).rejects.toThrow(ImportFileError);
    await expect(
      runImport({ kind: 'contacts', file, aws: false, db, stackPrefix: 'Lowtouch' }, run.io),
    ).rejects.toThrow(/unknown column "emial" \(did you mean "email"\?\)/);
    expect((await snapshot()).contacts.map((c) => c.contact.id)).not.toContain('c-9');
  });

  it('exits 0 with no reject file when every row is good, removing a stale one', async () => {
    const good = ACCOUNTS.split('\n')
      .filter((line) => !line.startsWith('acct-3'))
      .join('\n');
    await writeFile(join(dir, 'good.csv.rejects.csv'), 'id,line,reason\r\nold,2,old\r\n');
    const run = await importFile('accounts', 'good.csv', good);
    expect(run.report).toMatchObject({ exitCode: 0, imported: 3, rejected: [], rejectFile: undefined });
    expect(run.out.join('')).toContain('rejected none');
    expect(run.out.join('')).toContain('removed the reject file of an earlier run');
    await expect(readFile(join(dir, 'good.csv.rejects.csv'))).rejects.toThrow(/ENOENT/);
  });
});
