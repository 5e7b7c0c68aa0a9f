import { describe, expect, it } from 'vitest';
import { experimentKpis } from '../../../functions/core/kpi/experiment-rows.ts';
import { buildLoginIndex } from '../../../functions/core/kpi/login.ts';
import type { SendRecord } from '../../../functions/core/sending/send.ts';
import { inGlobalHoldout } from '../../../functions/core/shared/assign.ts';
import { Contact } from '../../../functions/core/shared/domain.ts';

const RANGE = { from: '2026-11-01', to: '2026-11-30' };

function send(contactId: string, variantId: string, extra: Partial<SendRecord> = {}): SendRecord {
  return {
    sendId: `onb#invite#${contactId}`,
    campaignId: 'onb',
    stepId: 'invite',
    variantId,
    contactId,
    accountId: 'acc-1',
    channel: 'email',
    template: 'onboarding/invite-team',
    topic: 'tips',
    bypassCap: false,
    status: 'sent',
    claimedAt: '2026-11-02T01:00:00Z',
    updatedAt: '2026-11-02T01:00:00Z',
    sentAt: '2026-11-02T01:00:00Z',
    ...extra,
  };
}

describe('experiment-kpis rows', () => {
  // Variant a: 4 sent, 3 clicked; variant b: 4 sent, 1 clicked; 2 held out.
  const sends: SendRecord[] = [
    ...['a1', 'a2', 'a3', 'a4'].map((id, i) =>
      send(
        id,
        'a',
        i < 3 ? { firstClickAt: '2026-11-02T02:00:00Z', firstOpenAt: '2026-11-02T01:30:00Z' } : {},
      ),
    ),
    ...['b1', 'b2', 'b3', 'b4'].map((id, i) =>
      send(id, 'b', i < 1 ? { firstClickAt: '2026-11-02T02:00:00Z' } : {}),
    ),
    ...['h1', 'h2'].map((id) => send(id, 'a', { status: 'skipped', reason: 'holdout', sentAt: undefined })),
    send('t1', 'a', { test: true, firstClickAt: '2026-11-02T02:00:00Z' }),
  ];
  const logins = buildLoginIndex([
    { contactId: 'a1', accountId: 'acc-1', date: '2026-11-04', logins: 2, helpVisits: 0, features: {} },
    { contactId: 'h1', accountId: 'acc-1', date: '2026-11-03', logins: 1, helpVisits: 0, features: {} },
  ]);
  const rows = experimentKpis(sends, {
    range: RANGE,
    dataThrough: '2026-11-30',
    enrollments: [],
    logins,
    contacts: [],
    globalHoldoutShare: 0,
  });

  it('counts each arm per metric, with the holdout only where it has meaning', () => {
    const click = rows.filter((r) => r.metric === 'click');
    expect(click.map((r) => [r.arm, r.exposed, r.successes])).toEqual([
      ['a', 4, 3],
      ['b', 4, 1],
    ]);
    const login = rows.filter((r) => r.metric === 'login_7d');
    expect(login.map((r) => [r.arm, r.exposed, r.successes])).toEqual([
      ['a', 4, 1],
      ['b', 4, 0],
      ['holdout', 2, 1],
    ]);
  });

  it('gives intervals and says how much more data a small test needs instead of naming a winner', () => {
    const a = rows.find((r) => r.metric === 'click' && r.arm === 'a');
    expect(a?.rate).toBe(0.75);
    expect(a?.ci_low).toBeGreaterThan(0.2);
    expect(a?.ci_high).toBeLessThan(1);
    expect(a?.winner).toBeNull();
    expect(a?.verdict).toMatch(/^not enough data yet: about \d+ more contacts per variant$/);
    expect(a?.more_per_arm).toBeGreaterThan(90);
    const login = rows.find((r) => r.metric === 'login_7d' && r.arm === 'a');
    expect(login?.lift_vs_holdout_pts).toBeCloseTo(25 - 50, 10);
  });

  it('adds the program-wide lift of the global holdout when the policy has one', () => {
    const contacts = Array.from({ length: 400 }, (_, i) =>
      Contact.parse({
        id: `g-${i}`,
        accountId: 'acc-1',
        email: `g${i}@example.com`,
        name: `G ${i}`,
        signedUpAt: '2026-10-01T00:00:00Z',
      }),
    );
    const global = experimentKpis([], {
      range: RANGE,
      dataThrough: '2026-11-30',
      enrollments: [],
      logins: buildLoginIndex([]),
      contacts,
      globalHoldoutShare: 0.1,
    });
    const held = contacts.filter((c) => inGlobalHoldout(c.id, 0.1)).length;
    const row = global.find((r) => r.metric === 'login_in_range' && r.arm === 'global-holdout');
    expect(row).toMatchObject({ campaign_id: 'all-campaigns', step_id: '*', exposed: held, successes: 0 });
    expect(global.find((r) => r.metric === 'goal' && r.arm === 'everyone-else')?.exposed).toBe(400 - held);
  });
});
