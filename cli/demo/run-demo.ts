import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { saveDataClock } from '../../functions/adapters/data-clock.ts';
import { DirectoryExportSink } from '../../functions/adapters/export-sink-dir.ts';
import { readSesStore, type StoredEmail } from '../../functions/adapters/local-emulators.ts';
import { RETENTION } from '../../functions/adapters/runtime-wiring.ts';
import { campaignInfoOf } from '../../functions/app/export-kpis.ts';
import type { SendRecord } from '../../functions/core/sending/send.ts';
import { DAY_MS } from '../../functions/core/shared/duration.ts';
import type { Chaos } from '../chaos.ts';
import { runKpiCommand } from '../commands/kpi.ts';
import {
  type AcceptedMail,
  LOCAL_SENDER,
  type LocalRuntime,
  type LocalRuntimeOptions,
  startLocalRuntime,
} from '../local-runtime.ts';
import { buildLedger, type Ledger } from './ledger.ts';
import { outboxEntries, renderOutbox } from './outbox.ts';
import { randomStream } from './random.ts';
import { organicDay, reactTo, type SimEvent } from './recipients.ts';
import { type DemoContact, generateDemoData } from './seed-data.ts';

const HOUR = 3_600_000;
/** Nightly jobs run at 18:00 UTC, which is 03:00 in Tokyo. */
const NIGHTLY_HOUR_UTC = 18;

export interface DemoOptions {
  days: number;
  contacts: number;
  seed: number;
  /** first simulated instant (epoch ms, whole UTC day) */
  start: number;
  out: string;
  chaos: Chaos;
  campaignsDir: string;
  templatesDir: string;
  /** dynalite's directory, wiped first so every run starts from the same seed data */
  dbPath?: string;
  dynamoPort?: number;
  sesPort?: number;
  progress?: (line: string, done: boolean) => void;
  /** measuring hooks (the cost bench): the runtime's AWS clients, and which part of the run is going on */
  instrument?: {
    client: NonNullable<LocalRuntimeOptions['instrumentClient']>;
    phase: (phase: 'seed' | 'simulate' | 'export', runtime: LocalRuntime) => void;
  };
}

export interface DemoResult {
  runtime: LocalRuntime;
  sends: SendRecord[];
  stored: StoredEmail[];
  ledger: Ledger;
  files: { kpi: string[]; report?: string; outbox: string; store: string; ledger: string };
  counts: {
    ticks: number;
    sesEvents: number;
    usageEvents: number;
    unsubscribes: number;
    nightlyRuns: number;
    ctas: number;
  };
}

/** Runs the whole product on the local emulators over simulated days and writes KPIs, store and ledger to `out`. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const rng = randomStream(options.seed, 'demo');
  const accepted: AcceptedMail[] = [];
  if (options.dbPath) await rm(options.dbPath, { recursive: true, force: true });
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });
  const runtime = await startLocalRuntime({
    campaignsDir: options.campaignsDir,
    templatesDir: options.templatesDir,
    start: options.start,
    seed: options.seed,
    chaos: options.chaos,
    onAccepted: (mail) => accepted.push(mail),
    // In memory during the run, written to dbPath once at the end (see finish).
    ...(options.dbPath ? { dbPath: options.dbPath, saveDbAtEnd: true } : {}),
    ...(options.dynamoPort !== undefined ? { dynamoPort: options.dynamoPort } : {}),
    ...(options.sesPort !== undefined ? { sesPort: options.sesPort } : {}),
    ...(options.instrument ? { instrumentClient: options.instrument.client } : {}),
  });
  try {
    const data = generateDemoData(rng.fork('data'), options.start, options.contacts, options.days);
    const say = (line: string, done = false) => options.progress?.(line, done);
    say(
      `seeding ${data.accounts.length} accounts, ${data.contacts.length} contacts, ${data.usage.length} days of usage`,
    );
    options.instrument?.phase('seed', runtime);
    await inParallel(data.accounts, (account) => runtime.repos.accounts.put(account));
    await inParallel(data.contacts, (who) => runtime.repos.contacts.put(who.contact));
    const expiresAt = Math.floor((options.start + RETENTION.usageDays * DAY_MS) / 1000);
    await runtime.repos.usage.putDays(data.usage, expiresAt);

    options.instrument?.phase('simulate', runtime);
    const byEmail = new Map(data.contacts.map((who) => [who.contact.email, who]));
    const topics = new Map(runtime.program.campaigns.map((c) => [c.id, c.topic]));
    const lastClick = new Map<string, number>();
    let pending: SimEvent[] = [];
    const counts = { ticks: 0, sesEvents: 0, usageEvents: 0, unsubscribes: 0, nightlyRuns: 0, ctas: 0 };
    const hours = options.days * 24;
    const mailRng = rng.fork('mail');
    const usageRng = rng.fork('usage');

    for (let h = 0; h < hours; h++) {
      const now = options.start + h * HOUR;
      runtime.clock.advanceTo(now);
      const hourOfDay = new Date(now).getUTCHours();
      if (hourOfDay === 0) {
        const day = new Date(now).toISOString().slice(0, 10);
        for (const who of data.contacts) {
          const lifted = now - (lastClick.get(who.contact.id) ?? Number.NEGATIVE_INFINITY) < 3 * 24 * HOUR;
          pending.push(...organicDay(usageRng.fork(`${who.contact.id}/${day}`), who, now, lifted));
        }
      }
      for (const churn of data.churns.filter((c) => c.at <= now && c.at > now - HOUR))
        await churnAccount(runtime, churn.accountId, churn.at);
      // What people and mail providers did during the past hour arrives before the tick, in time order.
      const due = pending.filter((e) => e.at <= now).sort((a, b) => a.at - b.at);
      pending = pending.filter((e) => e.at > now);
      for (const event of due) await feed(runtime, event, counts);

      if (hourOfDay === NIGHTLY_HOUR_UTC) {
        const nightly = await runtime.nightly();
        counts.nightlyRuns++;
        counts.ctas += nightly.ctasRaised;
      }
      accepted.length = 0;
      await runtime.tick();
      counts.ticks++;
      for (const mail of accepted) {
        const recipient = mail.email.to && byEmail.get(mail.email.to);
        if (!recipient) continue; // a CSM digest: nobody simulated reads it
        const reactions = reactTo(mailRng.fork(mail.email.tags.sendId), {
          sendId: mail.email.tags.sendId,
          messageId: mail.messageId,
          campaignId: mail.email.tags.campaignId,
          stepId: mail.email.tags.stepId,
          variantId: mail.email.tags.variantId,
          topic: topics.get(mail.email.tags.campaignId) ?? mail.email.tags.campaignId,
          from: LOCAL_SENDER.fromAddress,
          subject: mail.email.subject,
          // the tick's instant, not the (possibly throttled) SES moment, so chaos runs react identically
          sentAt: now,
          recipient,
        });
        for (const reaction of reactions) {
          if (reaction.kind === 'ses' && reaction.record['detail-type'] === 'Email Clicked')
            lastClick.set(recipient.contact.id, reaction.at);
        }
        pending.push(...reactions);
      }
      if (h % 24 === 23 || h === hours - 1)
        say(
          `day ${Math.floor(h / 24) + 1}/${options.days}  ${new Date(now).toISOString().slice(0, 10)}  ses events ${counts.sesEvents}  usage events ${counts.usageEvents}`,
        );
    }
    const end = options.start + hours * HOUR;
    runtime.clock.advanceTo(end);
    for (const event of pending.filter((e) => e.at <= end).sort((a, b) => a.at - b.at))
      await feed(runtime, event, counts);
    say('exporting KPIs', true);
    options.instrument?.phase('export', runtime);
    return await finish(runtime, options, end, counts);
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}

/** The customer cancels: the account is churned from that instant on (the planner stops mailing it). */
async function churnAccount(runtime: LocalRuntime, accountId: string, at: number): Promise<void> {
  const account = await runtime.repos.accounts.get(accountId);
  if (!account || account.status === 'churned') return;
  await runtime.repos.accounts.put({ ...account, status: 'churned', churnedAt: new Date(at).toISOString() });
}

/** Runs `work` over `items`, 16 at a time (seeding: independent writes). */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, items.length) }, worker));
}

async function feed(runtime: LocalRuntime, event: SimEvent, counts: DemoResult['counts']): Promise<void> {
  if (event.kind === 'ses') {
    await runtime.track(event.record);
    counts.sesEvents++;
  } else if (event.kind === 'usage') {
    await runtime.ingest(event.event);
    counts.usageEvents++;
  } else {
    await runtime.unsubscribe(event.contactId, event.topic);
    counts.unsubscribes++;
  }
}

/** Adds the outbox to the report's navigation (the report itself knows nothing of the demo). */
async function linkOutboxFromReport(report: string, href: string): Promise<void> {
  const html = await readFile(report, 'utf8');
  const linked = html.replace('</nav>', `<a href="${href}">Outbox (every email)</a></nav>`);
  await writeFile(report, linked);
}

async function finish(
  runtime: LocalRuntime,
  options: DemoOptions,
  end: number,
  counts: DemoResult['counts'],
): Promise<DemoResult> {
  await mkdir(options.out, { recursive: true });
  const from = new Date(options.start).toISOString().slice(0, 10);
  const to = new Date(end - 1).toISOString().slice(0, 10);
  const sink = new DirectoryExportSink(options.out);
  await runKpiCommand(
    { from, to, now: end, campaigns: campaignInfoOf(runtime.program) },
    runtime.kpiSource,
    sink,
  );
  const storeResponse = await fetch(`${runtime.emulators.sesEndpoint}/store`);
  const storeText = await storeResponse.text();
  const store = join(options.out, 'ses-store.json');
  await writeFile(store, storeText);
  const { emails } = await readSesStore(runtime.emulators.sesEndpoint);
  const sends = await runtime.kpiSource.listSends();
  const ledger = buildLedger(sends, emails, {
    contacts: await runtime.kpiSource.listContacts(),
    accounts: await runtime.kpiSource.listAccounts(),
  });
  const ledgerFile = join(options.out, 'ledger.json');
  await writeFile(ledgerFile, `${JSON.stringify(ledger, null, 2)}\n`);
  const report = sink.written.find((path) => path.endsWith('report.html'));
  const outboxFile = join(options.out, 'outbox', 'index.html');
  await mkdir(dirname(outboxFile), { recursive: true });
  await writeFile(
    outboxFile,
    renderOutbox(
      outboxEntries(emails, sends),
      report ? { report: relative(dirname(outboxFile), report) } : {},
    ),
  );
  if (report) await linkOutboxFromReport(report, relative(dirname(report), outboxFile));
  // Later commands on this data read its own clock: the last simulated instant.
  await saveDataClock(runtime.wiring.db, runtime.wiring.tables.state, {
    at: end,
    since: options.start,
    source: 'lowtouch demo',
  });
  if (options.dbPath) await runtime.saveDb();
  return {
    runtime,
    sends,
    stored: emails,
    ledger,
    files: {
      kpi: sink.written,
      ...(report ? { report } : {}),
      outbox: outboxFile,
      store,
      ledger: ledgerFile,
    },
    counts,
  };
}

export type { DemoContact };
