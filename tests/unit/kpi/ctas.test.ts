import { describe, expect, it } from 'vitest';
import { InMemoryCtaStore, InMemoryDigestSender } from '../../../functions/adapters/memory/ctas.ts';
import { InMemoryPublisher } from '../../../functions/adapters/memory/publisher.ts';
import { CTA_DETAIL_TYPE, raiseCtas, sendCtaDigests } from '../../../functions/app/ctas.ts';
import type { BusEvent, EventPublisher } from '../../../functions/app/ports.ts';
import {
  type Cta,
  type CtaInputs,
  ctaKey,
  DEFAULT_CTA_CONFIG,
  describeCta,
  digestByCsm,
  digestLinesOf,
  evaluateCtas,
} from '../../../functions/core/accounts/ctas.ts';
import type { Health } from '../../../functions/core/shared/domain.ts';
import { account, usage } from './helpers/fixtures.ts';

const NOW = Date.parse('2026-11-22T02:00:00Z');
const health = (color: Health['color'], score: number): Health => ({
  score,
  color,
  measures: {},
  computedAt: '2026-11-22T02:00:00Z',
});

function inputs(partial: Partial<CtaInputs> = {}): CtaInputs {
  return {
    account: account({ id: 'acct-1', tier: 'high', csmId: 'csm-1' }),
    previousHealth: health('green', 80),
    health: health('green', 80),
    tier: 'high',
    usage: [],
    npsResponses: [],
    ...partial,
  };
}

const types = (ctas: Cta[]) => ctas.map((c) => `${c.type}:${c.reason}`);

describe('CTA rules', () => {
  it('raises renewal-due for a high-touch account renewing within 90 days, once per renewal date', () => {
    const due = evaluateCtas(
      inputs({ account: account({ id: 'acct-1', tier: 'high', renewalAt: '2027-02-20T00:00:00Z' }) }),
      NOW,
    );
    expect(types(due)).toEqual(['renewal-due:renewal-2027-02-20']);
    expect(due[0]).toMatchObject({
      key: 'acct-1#renewal-due#renewal-2027-02-20',
      facts: { daysToRenewal: 90 },
    });
    const far = evaluateCtas(
      inputs({ account: account({ id: 'acct-1', renewalAt: '2027-02-21T00:00:00Z' }) }),
      NOW,
    );
    expect(far).toEqual([]);
    const past = evaluateCtas(
      inputs({ account: account({ id: 'acct-1', renewalAt: '2026-11-21T00:00:00Z' }) }),
      NOW,
    );
    expect(past).toEqual([]);
    // A low-touch account with a CSM gets the other CTAs but its renewal is handled by email.
    const low = evaluateCtas(
      inputs({
        tier: 'low',
        account: account({ id: 'acct-1', csmId: 'csm-1', renewalAt: '2026-12-01T00:00:00Z' }),
      }),
      NOW,
    );
    expect(low).toEqual([]);
  });

  it('raises health-red only on the turn to red', () => {
    expect(
      types(evaluateCtas(inputs({ previousHealth: health('yellow', 45), health: health('red', 30) }), NOW)),
    ).toEqual(['health-red:red-since-2026-11-22']);
    expect(
      evaluateCtas(inputs({ previousHealth: health('red', 25), health: health('red', 30) }), NOW),
    ).toEqual([]);
    expect(
      types(evaluateCtas(inputs({ previousHealth: undefined, health: health('red', 10) }), NOW)),
    ).toEqual(['health-red:red-since-2026-11-22']);
  });

  it('raises nps-detractor per recent answer of 0–6', () => {
    const answer = (id: string, score: number, respondedAt: string) => ({
      id,
      accountId: 'acct-1',
      contactId: `c-${id}`,
      score,
      respondedAt,
    });
    const ctas = evaluateCtas(
      inputs({
        npsResponses: [
          answer('r1', 6, '2026-11-20T00:00:00Z'),
          answer('r2', 7, '2026-11-20T00:00:00Z'),
          answer('r3', 0, '2026-10-01T00:00:00Z'),
        ],
      }),
      NOW,
    );
    expect(types(ctas)).toEqual(['nps-detractor:response-r1']);
    expect(ctas[0]?.facts).toMatchObject({ score: 6, contactId: 'c-r1' });
  });

  it('raises usage-drop when 30-day logins fall more than the configured share', () => {
    // Yesterday (11-21) ends the current window 10-23 … 11-21; the previous one is 09-23 … 10-22.
    const rows = (previous: number, current: number) => [
      usage('c1', '2026-10-01', previous),
      usage('c1', '2026-11-10', current),
      usage('c1', '2026-11-22', 50), // today: incomplete, ignored
    ];
    const dropped = evaluateCtas(inputs({ usage: rows(20, 5) }), NOW);
    expect(types(dropped)).toEqual(['usage-drop:logins-drop-2026-11']);
    expect(dropped[0]?.facts).toEqual({ logins30d: 5, loginsPrevious30d: 20, dropPercent: 75 });
    expect(evaluateCtas(inputs({ usage: rows(20, 10) }), NOW)).toEqual([]); // exactly 50%: not more
    expect(evaluateCtas(inputs({ usage: rows(8, 0) }), NOW)).toEqual([]); // too few logins to judge
    const stricter = evaluateCtas(inputs({ usage: rows(20, 10) }), NOW, {
      ...DEFAULT_CTA_CONFIG,
      usageDropPercent: 40,
    });
    expect(stricter).toHaveLength(1);
  });

  it('skips accounts nobody owns, and churned accounts', () => {
    const red = { previousHealth: health('yellow', 50), health: health('red', 10) };
    expect(evaluateCtas(inputs({ ...red, tier: 'tech', account: account({ id: 'a' }) }), NOW)).toEqual([]);
    expect(
      evaluateCtas(inputs({ ...red, account: account({ id: 'a', status: 'churned', csmId: 'csm-1' }) }), NOW),
    ).toEqual([]);
    expect(
      evaluateCtas(inputs({ ...red, tier: 'tech', account: account({ id: 'a', csmId: 'csm-9' }) }), NOW),
    ).toHaveLength(1);
  });
});

describe('CTA dedupe', () => {
  const cta = (accountId: string, reason: string): Cta => ({
    key: ctaKey(accountId, 'health-red', reason),
    accountId,
    csmId: 'csm-1',
    type: 'health-red',
    reason,
    raisedAt: '2026-11-22T02:00:00.000Z',
    facts: { score: 10, previousColor: 'yellow' },
  });

  it('raises a CTA once per account, type and reason, and publishes one event per new CTA', async () => {
    const store = new InMemoryCtaStore();
    const events = new InMemoryPublisher();
    const first = await raiseCtas({ candidates: [cta('a', 'r1'), cta('b', 'r1')] }, { ctas: store, events });
    expect(first.raised.map((c) => c.key)).toEqual(['a#health-red#r1', 'b#health-red#r1']);
    const second = await raiseCtas({ candidates: [cta('a', 'r1'), cta('a', 'r2')] }, { ctas: store, events });
    expect(second.raised.map((c) => c.key)).toEqual(['a#health-red#r2']);
    expect(second.duplicates).toBe(1);
    // The same key twice in one batch is also raised once.
    const third = await raiseCtas({ candidates: [cta('c', 'r1'), cta('c', 'r1')] }, { ctas: store, events });
    expect(third).toMatchObject({ duplicates: 1 });
    expect(events.events.map((e) => [e.detailType, e.detail.key])).toEqual([
      [CTA_DETAIL_TYPE, 'a#health-red#r1'],
      [CTA_DETAIL_TYPE, 'b#health-red#r1'],
      [CTA_DETAIL_TYPE, 'a#health-red#r2'],
      [CTA_DETAIL_TYPE, 'c#health-red#r1'],
    ]);
    expect(events.events.every((e: BusEvent) => e.source === 'lowtouch')).toBe(true);
  });

  it('keeps a stored CTA when its event cannot be published, and counts it', async () => {
    const failing: EventPublisher = {
      publish: async () => {
        throw new Error('bus down');
      },
    };
    const errors: string[] = [];
    const log = { info: () => {}, warn: () => {}, error: (message: string) => errors.push(message) };
    const result = await raiseCtas(
      { candidates: [cta('a', 'r1')] },
      { ctas: new InMemoryCtaStore(), events: failing, log },
    );
    expect(result).toMatchObject({ unpublished: 1 });
    expect(result.raised).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });
});

describe('CSM digest', () => {
  const accounts = [
    account({
      id: 'a1',
      name: 'Zeta Corp',
      csmId: 'csm-1',
      csmEmail: 'mari@vendor.example',
      renewalAt: '2027-01-10T00:00:00Z',
    }),
    account({ id: 'a2', name: 'Alpha Ltd', csmId: 'csm-1', csmEmail: 'mari@vendor.example' }),
    account({ id: 'a3', name: 'Beta KK', csmId: 'csm-2' }),
    account({ id: 'a4', name: 'Orphan Inc' }),
  ];
  const make = (accountId: string, type: Cta['type'], facts: Cta['facts'] = {}): Cta => ({
    key: ctaKey(accountId, type, 'r'),
    accountId,
    type,
    reason: 'r',
    raisedAt: '2026-11-22T02:00:00.000Z',
    facts,
  });

  it('groups CTAs per CSM, most urgent type first, owners without a CSM last', () => {
    const digests = digestByCsm(
      [
        make('a1', 'renewal-due', { renewalAt: '2027-01-10', daysToRenewal: 49 }),
        make('a2', 'usage-drop', { dropPercent: 60, logins30d: 4, loginsPrevious30d: 10 }),
        make('a1', 'health-red', { score: 20, previousColor: 'yellow' }),
        make('a3', 'nps-detractor', { score: 3, contactId: 'c-9' }),
        make('a4', 'health-red', { score: 5, previousColor: null }),
      ],
      accounts,
    );
    expect(
      digests.map((d) => [d.csmId, d.csmEmail, d.items.map((i) => `${i.accountName}:${i.cta.type}`)]),
    ).toEqual([
      [
        'csm-1',
        'mari@vendor.example',
        ['Zeta Corp:health-red', 'Zeta Corp:renewal-due', 'Alpha Ltd:usage-drop'],
      ],
      ['csm-2', undefined, ['Beta KK:nps-detractor']],
      [undefined, undefined, ['Orphan Inc:health-red']],
    ]);
    const lines = digestLinesOf(digests[0] ?? { csmId: undefined, csmEmail: undefined, items: [] });
    expect(lines.map((l) => [l.type, l.reason, l.dueAt])).toEqual([
      ['health-red', 'Health turned red (score 20, was yellow)', '2026-11-24T02:00:00.000Z'],
      ['renewal-due', 'Renews on 2027-01-10 (in 49 days)', '2027-01-10T00:00:00Z'],
      ['usage-drop', 'Logins down 60% over 30 days (4 against 10)', '2026-11-29T02:00:00.000Z'],
    ]);
    expect(describeCta(make('a3', 'nps-detractor', { score: 3, contactId: 'c-9' }))).toBe(
      'NPS answer 3 from contact c-9',
    );
  });

  it('sends one digest per CSM and counts failures without stopping', async () => {
    const sender = new InMemoryDigestSender();
    const ctas = [make('a1', 'health-red'), make('a3', 'health-red')];
    expect(await sendCtaDigests({ ctas, accounts, day: '2026-11-22' }, { digest: sender })).toEqual({
      sent: 2,
      failed: 0,
    });
    expect(sender.sent.map((s) => [s.day, s.digest.csmId])).toEqual([
      ['2026-11-22', 'csm-1'],
      ['2026-11-22', 'csm-2'],
    ]);
    let calls = 0;
    const flaky = {
      send: async () => {
        calls += 1;
        if (calls === 1) throw new Error('SES throttled');
      },
    };
    expect(await sendCtaDigests({ ctas, accounts, day: '2026-11-22' }, { digest: flaky })).toEqual({
      sent: 1,
      failed: 1,
    });
  });
});
