import { describe, expect, it } from 'vitest';
import { InMemoryQueue } from '../../../functions/adapters/memory/queue.ts';
import { SILENT_LOG } from '../../../functions/adapters/powertools-log.ts';
import { loadProgramFromDir } from '../../../functions/adapters/program-files.ts';
import { planShard } from '../../../functions/app/plan-shard.ts';
import { reconcileSends } from '../../../functions/app/reconcile-sends.ts';
import type { SendMessage } from '../../../functions/app/send-step.ts';
import { account, claimedSend, contact, sendWorld, T0 } from './support.ts';

const loaded = await loadProgramFromDir({ campaignsDir: 'campaigns', templatesDir: 'templates' });
if (!loaded.program) throw new Error('the example program does not load');
const program = loaded.program;

async function world(contacts = 30) {
  const w = await sendWorld();
  const sendQueue = new InMemoryQueue<SendMessage>();
  for (let i = 0; i < contacts; i++) {
    await w.contacts.put(contact(`n${i}`, 'a1', { locale: i % 2 ? 'ja' : 'en' }));
  }
  await w.accounts.put(account('a1'));
  const deps = {
    program,
    contacts: w.contacts,
    accounts: w.accounts,
    sends: w.sends,
    sendQueue,
    log: SILENT_LOG,
  };
  return { ...w, sendQueue, deps };
}

const message = (segment: number, total = 2) => ({
  tickAt: new Date(T0).toISOString(),
  segment,
  totalSegments: total,
});

describe('planShard', () => {
  it('claims each due send once before enqueueing it, and records holdouts without sending', async () => {
    const w = await world();
    const reports = [await planShard(message(0), w.deps), await planShard(message(1), w.deps)];
    const claimed = [...w.sends.items.values()];
    const emails = claimed.filter((s) => s.status === 'claimed');
    const holdouts = claimed.filter((s) => s.reason === 'holdout');
    expect(reports.reduce((n, r) => n + r.contacts, 0)).toBe(31);
    expect(emails.length).toBeGreaterThan(20);
    expect(emails.length + holdouts.length).toBe(31);
    expect(emails.every((s) => s.sendId === `onboarding#welcome#${s.contactId}`)).toBe(true);
    expect(w.sendQueue.sent.map((m) => m.body.sendId).sort()).toEqual(emails.map((s) => s.sendId).sort());
    const plan = (await w.contacts.get('n0'))?.plan;
    expect(plan?.enrollments.onboarding?.steps.welcome?.status).toMatch(/claimed|held-out/);
  });

  it('claims nothing new when the same tick runs twice', async () => {
    const w = await world();
    await planShard(message(0, 1), w.deps);
    const before = w.sends.items.size;
    const enqueued = w.sendQueue.sent.length;
    const second = await planShard(message(0, 1), w.deps);
    expect(second.claimed).toBe(0);
    expect(w.sends.items.size).toBe(before);
    expect(w.sendQueue.sent.length).toBe(enqueued);
  });

  it('repairs a crash between claim and plan write by enqueueing the existing claim again', async () => {
    const w = await world(1);
    let crash = true;
    const deps = {
      ...w.deps,
      afterClaims: () => {
        if (crash) throw new Error('crash');
      },
    };
    await expect(planShard(message(0, 1), deps)).rejects.toThrow('crash');
    crash = false;
    const retry = await planShard(message(0, 1), deps);
    expect(retry.claimed).toBe(0);
    expect(retry.alreadyClaimed).toBeGreaterThan(0);
    expect(new Set(w.sendQueue.sent.map((m) => m.body.sendId)).size).toBe(
      [...w.sends.items.values()].filter((s) => s.status === 'claimed').length,
    );
  });
});

describe('reconcileSends', () => {
  it('reports a send stuck in sending as unknown and re-enqueues a forgotten claim, once', async () => {
    const w = await sendWorld();
    const old = new Date(T0 - 3_600_000).toISOString();
    await w.sends.claim(claimedSend('x#s#c1', 'c1', { status: 'sending', claimedAt: old, updatedAt: old }));
    await w.sends.claim(claimedSend('y#s#c1', 'c1', { claimedAt: old, updatedAt: old }));
    const deps = {
      clock: w.clock,
      sends: w.sends,
      queue: w.queue,
      breaker: w.state,
      metrics: w.metrics,
      publisher: { publish: async (batch: never[]) => void w.published.push(...batch) },
      log: SILENT_LOG,
      stuckAfterMs: 15 * 60_000,
      requeueAfterMs: 30 * 60_000,
    };
    expect(await reconcileSends(deps)).toEqual({ unknown: ['x#s#c1'], requeued: ['y#s#c1'] });
    expect(await reconcileSends(deps)).toEqual({ unknown: [], requeued: [] });
    expect((await w.sends.get('x#s#c1'))?.status).toBe('unknown');
    expect(w.queue.sent.map((m) => m.body.sendId)).toEqual(['y#s#c1']);
    expect(w.published[0]?.detailType).toBe('lowtouch.unknown-outcomes');
  });
});
