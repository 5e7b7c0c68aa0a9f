import { describe, expect, it } from 'vitest';
import { ChaosSpecError, NO_CHAOS, parseChaos } from '../../../cli/chaos.ts';
import { buildLedger } from '../../../cli/demo/ledger.ts';
import { randomStream } from '../../../cli/demo/random.ts';
import type { StoredEmail } from '../../../functions/adapters/local-emulators.ts';
import type { SendRecord } from '../../../functions/core/sending/send.ts';

describe('--chaos', () => {
  it('parses every fault', () => {
    expect(parseChaos(undefined)).toEqual(NO_CHAOS);
    expect(
      parseChaos('duplicate-delivery,ses-throttle=0.3,crash-after-claim=0.02,crash-after-send=0.02'),
    ).toEqual({
      duplicateDelivery: true,
      sesThrottle: 0.3,
      crashAfterClaim: 0.02,
      crashAfterSend: 0.02,
    });
  });
  it('explains bad specs', () => {
    expect(() => parseChaos('ses-throttle')).toThrow(ChaosSpecError);
    expect(() => parseChaos('ses-throttle=1.5')).toThrow('between 0 and 1');
    expect(() => parseChaos('dupe')).toThrow('unknown fault "dupe" (expected duplicate-delivery');
  });
});

describe('random streams', () => {
  it('repeat for a seed, and forks do not disturb each other', () => {
    const a = randomStream(1, 'x');
    const b = randomStream(1, 'x');
    expect([a.next(), a.next()]).toEqual([b.next(), b.next()]);
    const parent = randomStream(1, 'p');
    const child = parent.fork('c').next();
    parent.next();
    expect(randomStream(1, 'p').fork('c').next()).toBe(child);
  });
});

const send = (sendId: string, status: SendRecord['status'], extra: Partial<SendRecord> = {}): SendRecord => ({
  sendId,
  campaignId: 'c',
  stepId: 's',
  variantId: 'a',
  contactId: sendId,
  accountId: 'a',
  channel: 'email',
  template: 't',
  topic: 't',
  bypassCap: false,
  status,
  claimedAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
  ...extra,
});
const mail = (sendId?: string): StoredEmail => ({
  messageId: `m-${sendId ?? 'digest'}`,
  from: 'a@b',
  destination: { to: ['x@y'] },
  subject: 's',
  body: {},
  at: 0,
  ...(sendId
    ? {
        headers: [
          {
            name: 'List-Unsubscribe',
            value: `<https://u.example/u?token=t&s=${encodeURIComponent(sendId)}>`,
          },
        ],
      }
    : {}),
});

describe('ledger', () => {
  it('sets every intended send against the emulator store', () => {
    const ledger = buildLedger(
      [
        send('ok', 'sent'),
        send('dup', 'sent'),
        send('lost', 'sent'),
        send('crash', 'unknown'),
        send('held', 'skipped', { reason: 'holdout' }),
        send('bad', 'failed'),
        send('queued', 'claimed'),
        send('alert', 'sent', { channel: 'csm-alert' }),
      ],
      [mail('ok'), mail('dup'), mail('dup'), mail('crash'), mail(), mail('stranger')],
    );
    const verdicts = Object.fromEntries(ledger.entries.map((e) => [e.sendId, e.verdict]));
    expect(verdicts).toEqual({
      ok: 'ok',
      dup: 'duplicate',
      lost: 'missing',
      crash: 'unknown-outcome',
      bad: 'failed',
      queued: 'pending',
    });
    expect(ledger.summary).toMatchObject({
      intended: 6,
      received: 6,
      duplicates: 1,
      missing: 1,
      digests: 1,
      unexplained: 1,
    });
  });
});
