import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../cli/import/csv-file.ts';
import { runCli } from '../support/run-cli.ts';

// The command-line doors fed what a broken export, a wrong encoding or an attacker produces: each bad
// line or row is rejected on its own, with its reason in the reject file, and every other one is used.

const HEAVY = 180_000;
let dir: string;
let db: string;

const FIXTURES = join(import.meta.dirname, '../fixtures/events');
const fixtures = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => JSON.stringify(JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'))));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lowtouch-hostile-'));
  db = join(dir, 'db');
  await writeFile(
    join(dir, 'accounts.csv'),
    'id,name,plan,status,currency,arr,mrr,startedAt\nacc-1,Acme,business,active,JPY,1200000,100000,2025-01-01\nacc-2,Other,business,active,JPY,1,1,2025-01-01\n',
  );
  await writeFile(
    join(dir, 'contacts.csv'),
    'id,accountId,email,name,signedUpAt\nc-1,acc-1,c1@acme.example,Aiko,2025-02-01\n',
  );
  expect((await runCli(['import', 'accounts', join(dir, 'accounts.csv'), '--db', db])).exitCode).toBe(0);
  expect((await runCli(['import', 'contacts', join(dir, 'contacts.csv'), '--db', db])).exitCode).toBe(0);
}, HEAVY);

describe('events replay with hostile lines', () => {
  it(
    'rejects a 10,000-level line, a huge line, binary bytes, another encoding and a future event, one line each, and replays the rest',
    async () => {
      const first = fixtures[0] ?? '';
      const last = fixtures[1] ?? '';
      const future = JSON.parse(first);
      future.id = 'future-event';
      future.detail.mail.timestamp = new Date(Date.now() + 365 * 86_400_000).toISOString();
      for (const value of Object.values(future.detail))
        if (value && typeof value === 'object' && 'timestamp' in value)
          Object.assign(value, { timestamp: future.detail.mail.timestamp });
      const lines = [
        Buffer.from(first),
        Buffer.from(`${'['.repeat(10_000)}${']'.repeat(10_000)}`),
        Buffer.from(JSON.stringify({ detail: 'x'.repeat(400_000) })),
        Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x02, 0x7d]),
        Buffer.from('{"detail":{"note":"caf\u00e9"}}', 'latin1'),
        Buffer.from(JSON.stringify(future)),
        Buffer.from(last),
      ];
      const file = join(dir, 'events.jsonl');
      await writeFile(file, Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])));
      const run = await runCli(['events', 'replay', file, '--db', db]);
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toContain('replayed 2 of 7 event(s)');
      const rejects = (await readFile(`${file}.rejects.jsonl`, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(rejects.map((r) => [r.line, r.kind])).toEqual([
        [2, 'unreadable'],
        [3, 'unreadable'],
        [4, 'unreadable'],
        [5, 'unreadable'],
        [6, 'unreadable'],
      ]);
      const reasons = rejects.map((r) => String(r.reason));
      expect(reasons[0]).toMatch(/nests 10000 levels deep, more than the 64 allowed/);
      expect(reasons[1]).toMatch(/characters long, more than the 262144 allowed/);
      expect(reasons[2]).toMatch(/not valid UTF-8|binary data/);
      expect(reasons[3]).toMatch(/not valid UTF-8 text/);
      expect(reasons[4]).toMatch(/^time: .* is in the future \(now is .*, 5 minutes of clock skew allowed\)/);
    },
    HEAVY,
  );
});

describe('import usage with hostile rows', () => {
  it(
    'rejects a huge cell, binary, another encoding, a future day and another account, row by row, and imports the rest',
    async () => {
      const today = new Date().toISOString().slice(0, 10);
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
      const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
      const rows = [
        Buffer.from('contactId,accountId,date,logins,features\n'),
        Buffer.from(`c-1,acc-1,${yesterday},2,reports=1\n`),
        Buffer.from(`c-1,acc-1,2026-11-2${'9'.repeat(20_000)},1,\n`),
        Buffer.from(`c-1,acc-1,${today},1,reports\u0000=1\n`),
        Buffer.concat([
          Buffer.from(`c-1,acc-1,${today},1,`),
          Buffer.from('caf\u00e9=1', 'latin1'),
          Buffer.from('\n'),
        ]),
        Buffer.from(`c-1,acc-1,${tomorrow},1,\n`),
        Buffer.from(`c-1,acc-2,${twoDaysAgo},3,\n`),
        Buffer.from(`c-1,,${today},4,tasks=2\n`),
      ];
      const file = join(dir, 'usage.csv');
      await writeFile(file, Buffer.concat(rows));
      const run = await runCli(['import', 'usage', file, '--db', db]);
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toContain('imported 2 of 7 usage rows');
      const rejects = parseCsv(await readFile(`${file}.rejects.csv`), 'rejects');
      const reason = (line: number) =>
        rejects.rows.find((r) => r.cells.at(-2) === String(line))?.cells.at(-1) ?? '';
      expect(rejects.rows.map((r) => r.cells.at(-2))).toEqual(['3', '4', '5', '6', '7']);
      expect(reason(3)).toMatch(/date: the cell is 20009 characters long, more than the 10000 allowed/);
      expect(reason(4)).toMatch(/features: the cell holds binary data/);
      expect(reason(5)).toMatch(/features: the cell is not valid UTF-8 text/);
      expect(reason(6)).toMatch(/^date: .* is in the future \(now is .*, 5 minutes of clock skew allowed\)/);
      expect(reason(7)).toBe(
        `accountId: "acc-2" is not the account of contact c-1 (acc-1); fix it or leave it out`,
      );
    },
    HEAVY,
  );
});
