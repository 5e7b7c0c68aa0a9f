import { Account, Contact, DailyUsage } from '../core/shared/domain.ts';
import { DAY_MS } from '../core/shared/duration.ts';
import { closest } from '../core/shared/suggest.ts';
import { futureProblem, usageProblem } from '../core/tracking/usage-validation.ts';
import { refreshUsageRollup } from './ingest-usage.ts';
import type { AccountRepository, Clock, ContactRepository, UsageStore } from './ports.ts';

/** The three kinds of records `lowtouch import` loads. */
export const IMPORT_KINDS = ['accounts', 'contacts', 'usage'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Type guard for an import kind given on the command line. */
export function isImportKind(value: string): value is ImportKind {
  return IMPORT_KINDS.some((kind) => kind === value);
}

/** One schema-valid row of an import file, with the physical line it came from. */
export interface ImportRow<T> {
  line: number;
  value: T;
}

/** A row that was not imported, and why (field, bad value, fix). */
export interface ImportRejection {
  line: number;
  reason: string;
}

/** What an import did: rows written, rows rejected and (usage) contacts whose rollup was recomputed. */
export interface ImportResult {
  imported: number;
  rejected: ImportRejection[];
  rollups: number;
}

/** A daily usage row whose account may be left out: it is taken from the contact. */
export type UsageCandidate = Omit<DailyUsage, 'accountId'> & { accountId?: string | undefined };

/** Writes whole daily usage rows; a row replaces that contact's day, so writing it twice is harmless. */
export interface UsageDayWriter {
  putDays(rows: readonly DailyUsage[], expiresAt: number): Promise<void>;
}

export interface ImportDeps {
  accounts: AccountRepository;
  contacts: ContactRepository;
  usage: UsageStore & UsageDayWriter;
  clock: Clock;
  /** how long daily usage rows are kept (they expire this many days after their date) */
  retentionDays: number;
  /** writes in flight at once (default 16) */
  concurrency?: number;
  /** called with the number of rows just finished (written or rejected) */
  onProgress?: (rows: number) => void;
  /** called with the number of contacts whose usage rollup was just recomputed */
  onRollupProgress?: (contacts: number, total: number) => void;
}

/** A write failed part-way; the rows before it are stored and importing again is safe. */
export class ImportWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImportWriteError';
  }
}

const USAGE_CHUNK = 100;

/**
 * Writes accounts by id. Health and NPS (computed by the nightly job and NPS answers) are kept from
 * the stored account, and so is its tier when the row leaves it out.
 */
export async function importAccounts(rows: readonly ImportRow<Account>[], deps: ImportDeps) {
  const { unique, rejected } = rejectDuplicates(rows, (a) => a.id, 'id');
  deps.onProgress?.(rejected.length);
  const stored = new Map((await deps.accounts.listAll()).map((account) => [account.id, account]));
  await forEachLimited(unique, deps.concurrency ?? 16, async (row) => {
    const before = stored.get(row.value.id);
    const tier = row.value.tier ?? before?.tier;
    const merged = Account.parse({
      ...row.value,
      ...(tier ? { tier } : {}),
      ...(before?.health ? { health: before.health } : {}),
      ...(before?.nps ? { nps: before.nps } : {}),
    });
    await writeRow(row.line, () => deps.accounts.put(merged));
    deps.onProgress?.(1);
  });
  return result(unique.length, rejected, 0);
}

/**
 * Writes contacts by id, rejecting those whose account is unknown. Consent can only tighten: topic
 * opt-outs, unsubscribe-all and suppression already stored are kept even when the file lacks them,
 * so a re-import never re-subscribes anyone. The usage rollup and plan state are kept too.
 */
export async function importContacts(rows: readonly ImportRow<Contact>[], deps: ImportDeps) {
  const { unique, rejected } = rejectDuplicates(rows, (c) => c.id, 'id');
  const accountIds = new Set((await deps.accounts.listAll()).map((account) => account.id));
  const known: ImportRow<Contact>[] = [];
  for (const row of unique) {
    if (accountIds.has(row.value.accountId)) known.push(row);
    else rejected.push({ line: row.line, reason: unknownAccount(row.value.accountId, accountIds) });
  }
  deps.onProgress?.(rejected.length);
  await forEachLimited(known, deps.concurrency ?? 16, async (row) => {
    const before = (await deps.contacts.get(row.value.id))?.contact;
    const merged = before ? keepConsentAndUsage(row.value, before) : row.value;
    await writeRow(row.line, () => deps.contacts.put(merged));
    deps.onProgress?.(1);
  });
  return result(known.length, rejected, 0);
}

/** The imported profile with the stored opt-outs, suppression and usage rollup carried over. */
export function keepConsentAndUsage(imported: Contact, stored: Contact): Contact {
  return Contact.parse({
    ...imported,
    topicOptOuts: [...new Set([...stored.topicOptOuts, ...imported.topicOptOuts])],
    unsubscribedAll: stored.unsubscribedAll || imported.unsubscribedAll,
    suppressed: stored.suppressed || imported.suppressed,
    usage: stored.usage,
  });
}

/**
 * Writes daily usage rows (each replaces that contact's day) and recomputes the rollups of the
 * contacts it touched. Rejects rows of unknown contacts, rows whose accountId disagrees with the
 * contact's, days in the future and days already past the retention period.
 */
export async function importUsage(rows: readonly ImportRow<UsageCandidate>[], deps: ImportDeps) {
  const { unique, rejected } = rejectDuplicates(
    rows,
    (u) => `${u.contactId} ${u.date}`,
    'contactId and date',
  );
  const now = deps.clock.now();
  const oldest = new Date(now - (deps.retentionDays - 1) * DAY_MS).toISOString().slice(0, 10);
  const inRange: ImportRow<UsageCandidate>[] = [];
  for (const row of unique) {
    const { date } = row.value;
    const future = futureProblem('date', date, now);
    if (future) rejected.push({ line: row.line, reason: future });
    else if (date < oldest)
      rejected.push({
        line: row.line,
        reason: `date: ${date} is older than the ${deps.retentionDays}-day retention (oldest kept day is ${oldest}); such rows expire at once, so leave them out`,
      });
    else inRange.push(row);
  }
  const contactIds = [...new Set(inRange.map((row) => row.value.contactId))];
  const accountOf = new Map<string, string>();
  await forEachLimited(contactIds, deps.concurrency ?? 16, async (id) => {
    const stored = await deps.contacts.get(id);
    if (stored) accountOf.set(id, stored.contact.accountId);
  });
  const ready: ImportRow<DailyUsage>[] = [];
  for (const row of inRange) {
    const { contactId } = row.value;
    const contactAccount = accountOf.get(contactId);
    if (contactAccount === undefined)
      rejected.push({
        line: row.line,
        reason: `contactId: "${contactId}" is not a known contact; import it first with lowtouch import contacts, or fix the id`,
      });
    else {
      const problem = usageProblem(row.value, { id: contactId, accountId: contactAccount }, now);
      if (problem) rejected.push({ line: row.line, reason: problem });
      else
        ready.push({ line: row.line, value: DailyUsage.parse({ ...row.value, accountId: contactAccount }) });
    }
  }
  deps.onProgress?.(rejected.length);
  const chunks: ImportRow<DailyUsage>[][] = [];
  for (let i = 0; i < ready.length; i += USAGE_CHUNK) chunks.push(ready.slice(i, i + USAGE_CHUNK));
  await forEachLimited(chunks, Math.max(1, Math.floor((deps.concurrency ?? 16) / 2)), async (chunk) => {
    // Each row expires a retention period after its own day, so rows of one request share a day.
    const byDate = new Map<string, DailyUsage[]>();
    for (const row of chunk) byDate.set(row.value.date, [...(byDate.get(row.value.date) ?? []), row.value]);
    for (const [date, days] of byDate) {
      const expiresAt = Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000) + deps.retentionDays * 86_400;
      await writeRow(chunk[0]?.line ?? 0, () => deps.usage.putDays(days, expiresAt));
    }
    deps.onProgress?.(chunk.length);
  });
  const touched = [...new Set(ready.map((row) => row.value.contactId))];
  let refreshed = 0;
  await forEachLimited(touched, deps.concurrency ?? 16, async (id) => {
    await refreshUsageRollup(id, undefined, deps);
    refreshed++;
    deps.onRollupProgress?.(refreshed, touched.length);
  });
  return result(ready.length, rejected, touched.length);
}

function result(imported: number, rejected: ImportRejection[], rollups: number): ImportResult {
  return { imported, rejected: rejected.sort((a, b) => a.line - b.line), rollups };
}

/** Keeps the first row of each key and rejects the later ones, naming the line they repeat. */
function rejectDuplicates<T>(
  rows: readonly ImportRow<T>[],
  keyOf: (value: T) => string,
  keyName: string,
): { unique: ImportRow<T>[]; rejected: ImportRejection[] } {
  const first = new Map<string, number>();
  const unique: ImportRow<T>[] = [];
  const rejected: ImportRejection[] = [];
  for (const row of rows) {
    const key = keyOf(row.value);
    const seen = first.get(key);
    if (seen === undefined) {
      first.set(key, row.line);
      unique.push(row);
    } else
      rejected.push({
        line: row.line,
        reason: `${keyName}: "${key}" repeats line ${seen}; keep one row per ${keyName} (the first was imported)`,
      });
  }
  return { unique, rejected };
}

function unknownAccount(accountId: string, known: ReadonlySet<string>): string {
  const guess = closest(accountId, known);
  const hint = guess ? ` (did you mean "${guess}"?)` : '';
  return `accountId: "${accountId}" is not a known account${hint}; import it first with lowtouch import accounts, or fix the id`;
}

async function writeRow(line: number, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ImportWriteError(
      `writing the row on line ${line} failed (${reason}); rows already written are kept and importing the file again is safe`,
      { cause: error },
    );
  }
}

/** Runs `task` over the items with at most `limit` in flight; the first failure stops new work and is thrown. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      if (item === undefined) continue;
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
