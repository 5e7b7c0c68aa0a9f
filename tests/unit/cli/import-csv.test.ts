import { describe, expect, it } from 'vitest';
import { COLUMNS, checkHeader } from '../../../cli/import/columns.ts';
import { ImportFileError, parseCsv, toCsv } from '../../../cli/import/csv-file.ts';
import { rejectRows } from '../../../cli/import/reject-file.ts';
import { convertCell, readRow, readRows } from '../../../cli/import/rows.ts';
import { Account, Contact } from '../../../functions/core/shared/domain.ts';

const csv = (text: string) => parseCsv(Buffer.from(text), 'test.csv');

describe('parseCsv', () => {
  it('numbers rows by the physical line they start on, across quoted newlines and blank lines', () => {
    const table = csv('id,name\n1,Ann\n\n"2","Multi\nline\nname"\n3,Cy\n');
    expect(table.header).toEqual(['id', 'name']);
    expect(table.rows.map((row) => [row.line, row.cells[0]])).toEqual([
      [2, '1'],
      [4, '2'],
      [7, '3'],
    ]);
  });

  it('handles CRLF line ends, a byte-order mark and multibyte text', () => {
    const table = csv('\ufeffid,name\r\n1,田中 美咲\r\n\r\n2,"a\r\nb"\r\n3,x\r\n');
    expect(table.header).toEqual(['id', 'name']);
    expect(table.rows.map((row) => row.line)).toEqual([2, 4, 6]);
    expect(table.rows[0]?.cells[1]).toBe('田中 美咲');
  });

  it('skips rows whose cells are all empty', () => {
    expect(csv('id,name\n1,a\n , \n,\n2,b\n').rows.map((row) => row.line)).toEqual([2, 5]);
  });

  it('fails the whole file on an unclosed quote, and on a file without a header', () => {
    expect(() => csv('id,name\n1,"open\n2,b\n')).toThrow(ImportFileError);
    expect(() => csv('id,name\n1,"open\n2,b\n')).toThrow(/not valid CSV: .*Quote Not Closed/);
    expect(() => csv('')).toThrow(/has no header row/);
  });
});

describe('checkHeader', () => {
  it('maps columns to schema fields, ignoring case and surrounding spaces', () => {
    const columns = checkHeader('contacts', [' ID', 'accountid', 'Email', 'name', 'signedUpAt'], 'c.csv');
    expect(columns.map((column) => column.name)).toEqual(['id', 'accountId', 'email', 'name', 'signedUpAt']);
  });

  it('rejects the whole file for unknown columns, with a did-you-mean for each', () => {
    const header = ['id', 'accountId', 'emial', 'name', 'signedUpAt', 'timezone ', 'shoe size'];
    let error: unknown;
    try {
      checkHeader('contacts', header, 'c.csv');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ImportFileError);
    const message = error instanceof Error ? error.message : '';
    expect(message).toContain('unknown column "emial" (did you mean "email"?)');
    expect(message).toContain('unknown column "shoe size"');
    expect(message).toContain('missing required column(s): email');
    expect(message).toContain('Nothing was imported');
    // "timezone" is a known column in another case: accepted.
    expect(message).not.toContain('timezone');
  });

  it('rejects repeated columns and unnamed columns', () => {
    expect(() => checkHeader('usage', ['contactId', 'date', 'logins', 'Logins'], 'u.csv')).toThrow(
      /column "Logins" appears twice \(columns 3 and 4\)/,
    );
    expect(() => checkHeader('usage', ['contactId', 'date', ''], 'u.csv')).toThrow(/column 3 has no name/);
  });

  it('accepts a reject file as input and skips its line and reason columns', () => {
    const columns = checkHeader('usage', ['contactId', 'date', 'line', 'reason'], 'u.csv.rejects.csv');
    expect(columns.map((column) => column.type)).toEqual(['text', 'day', 'ignore', 'ignore']);
    const read = readRows('usage', columns, [{ line: 2, cells: ['c-1', '2026-11-01', '7', 'old reason'] }]);
    expect(read.rejected).toEqual([]);
    expect(read.candidates.rows[0]?.value).toEqual({
      contactId: 'c-1',
      date: '2026-11-01',
      logins: 0,
      helpVisits: 0,
      features: {},
    });
  });
});

describe('row mapping', () => {
  const accountColumns = checkHeader(
    'accounts',
    COLUMNS.accounts.map((c) => c.name),
    'a.csv',
  );
  const cellsOf = (values: Record<string, string>) => COLUMNS.accounts.map((c) => values[c.name] ?? '');
  const good = {
    id: 'acct-1',
    name: 'Harbor Analytics Inc.',
    plan: 'standard',
    status: 'active',
    currency: 'USD',
    arr: '12000',
    mrr: '1000',
    startedAt: '2025-04-01',
    renewalAt: '2027-03-31T00:00:00+09:00',
    caseStudy: 'yes',
    seats: '25',
  };

  it('converts cells to typed fields and lets empty cells take the schema defaults', () => {
    const read = readRow('accounts', Account, accountColumns, { line: 2, cells: cellsOf(good) });
    expect(read).toEqual({
      ok: true,
      value: Account.parse({
        ...good,
        arr: 12000,
        mrr: 1000,
        seats: 25,
        caseStudy: true,
        startedAt: '2025-04-01T00:00:00Z',
      }),
    });
    if (read.ok) expect(read.value.referrals).toBe(0);
  });

  it('names every bad field with its value and the fix, in column order', () => {
    const read = readRow('accounts', Account, accountColumns, {
      line: 9,
      cells: cellsOf({ ...good, status: 'paused', arr: '12,000', startedAt: 'last year', csmEmail: 'mari' }),
    });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    const parts = read.reason.split(' | ');
    expect(parts).toHaveLength(4);
    expect(parts[0]).toMatch(/^status: "paused" is invalid \(.*\); use one of trial, active, churned$/);
    expect(parts[1]).toBe(
      'arr: "12,000" is not a plain number; write a plain number such as 12000 or 99.5 (no thousands separators or currency signs)',
    );
    expect(parts[2]).toMatch(/^startedAt: "last year" is invalid \(.*\); write an ISO 8601 time/);
    expect(parts[3]).toMatch(/^csmEmail: "mari" is invalid \(.*\); write one address such as/);
  });

  it('reports a missing required value and a wrong cell count', () => {
    const missing = readRow('accounts', Account, accountColumns, {
      line: 3,
      cells: cellsOf({ ...good, plan: '' }),
    });
    expect(missing).toEqual({ ok: false, reason: 'plan: missing; every account needs it' });
    const short = readRow('accounts', Account, accountColumns, { line: 4, cells: ['acct-1', 'x'] });
    expect(short.ok || short.reason).toMatch(/the row has 2 cells but the header has 20/);
    const long = readRow('accounts', Account, accountColumns, {
      line: 5,
      cells: [...cellsOf(good), 'extra'],
    });
    expect(long.ok || long.reason).toMatch(/extra: "extra"\); quote values that contain commas/);
  });

  it('reads lists, feature counts, booleans and time zones', () => {
    expect(convertCell('list', 'product-updates; onboarding-tips;')).toEqual({
      ok: true,
      value: ['product-updates', 'onboarding-tips'],
    });
    expect(convertCell('counts', 'projects=2; reports = 1;projects=1')).toEqual({
      ok: true,
      value: { projects: 3, reports: 1 },
    });
    expect(convertCell('counts', 'projects')).toEqual({ ok: false, problem: 'is not name=count' });
    expect(convertCell('counts', 'a=1;b')).toEqual({
      ok: false,
      problem: 'holds "b", which is not name=count',
    });
    expect(convertCell('boolean', 'No')).toEqual({ ok: true, value: false });
    expect(convertCell('boolean', 'maybe').ok).toBe(false);
    expect(convertCell('timeZone', 'Asia/Tokyo').ok).toBe(true);
    expect(convertCell('timeZone', 'Asia/Tokio')).toEqual({ ok: false, problem: 'is not an IANA time zone' });
    expect(convertCell('integer', '2.5').ok).toBe(false);
  });

  it('validates contacts with the Contact schema', () => {
    const columns = checkHeader(
      'contacts',
      ['id', 'accountId', 'email', 'name', 'signedUpAt', 'topicOptOuts'],
      'c',
    );
    const { candidates, rejected } = readRows('contacts', columns, [
      { line: 2, cells: ['c-1', 'acct-1', 'ann@example.com', 'Ann', '2026-11-01', 'a;b'] },
      { line: 3, cells: ['c-2', 'acct-1', 'not-an-address', 'Bo', '2026-11-01', ''] },
    ]);
    expect(candidates.rows).toEqual([
      {
        line: 2,
        value: Contact.parse({
          id: 'c-1',
          accountId: 'acct-1',
          email: 'ann@example.com',
          name: 'Ann',
          signedUpAt: '2026-11-01T00:00:00Z',
          topicOptOuts: ['a', 'b'],
        }),
      },
    ]);
    expect(rejected).toEqual([
      { line: 3, reason: expect.stringMatching(/^email: "not-an-address" is invalid/) },
    ]);
  });
});

describe('reject file', () => {
  it('keeps the original columns and adds line and reason, in line order', () => {
    const header = ['id', 'name'];
    const rows = [
      { line: 2, cells: ['1', 'Ann'] },
      { line: 4, cells: ['2', 'Multi\nline'] },
      { line: 6, cells: ['3'] },
    ];
    const out = rejectRows(header, rows, [
      { line: 6, reason: 'the row has 1 cells' },
      { line: 4, reason: 'name: bad, "quoted"' },
    ]);
    expect(out).toEqual([
      ['id', 'name', 'line', 'reason'],
      ['2', 'Multi\nline', '4', 'name: bad, "quoted"'],
      ['3', '', '6', 'the row has 1 cells'],
    ]);
    const text = toCsv(out);
    expect(text).toBe(
      'id,name,line,reason\r\n2,"Multi\nline",4,"name: bad, ""quoted"""\r\n3,,6,the row has 1 cells\r\n',
    );
    // What we write reads back to the same cells.
    expect(parseCsv(Buffer.from(text), 'r.csv').rows.map((row) => row.cells)).toEqual(out.slice(1));
  });

  it('replaces the line and reason columns when the input was itself a reject file', () => {
    const out = rejectRows(
      ['id', 'line', 'reason'],
      [{ line: 2, cells: ['1', '9', 'old'] }],
      [{ line: 2, reason: 'new' }],
    );
    expect(out).toEqual([
      ['id', 'line', 'reason'],
      ['1', '2', 'new'],
    ]);
  });

  it('quotes only cells that need it, like the KPI exports', () => {
    expect(toCsv([['plain', ' padded', 'a,b']])).toBe('plain," padded","a,b"\r\n');
  });
});
