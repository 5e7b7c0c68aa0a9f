import { describe, expect, it } from 'vitest';
import { emptyPlanState } from '../../../functions/core/campaign/plan-state.ts';
import { applyDecisions, planContact, prepareAccounts } from '../../../functions/core/campaign/planner.ts';
import { DAY_MS } from '../../../functions/core/shared/duration.ts';
import { account, contact, mustLoad, programOf, shippedFiles } from './fixtures.ts';
import { hourly, planOnce, sendsOf, simulate } from './planner-helpers.ts';

// Tuesday 2026-12-01 10:00 in Tokyo
const TUE_10_JST = Date.parse('2026-12-01T01:00:00Z');

const ONBOARDING = `
id: onb
kind: onboarding
topic: tips
audience: { when: { contact.signedUpAt: { withinDays: 14 } } }
goal: { when: { usage.milestones.firstProjectCreated: true }, within: 21d }
steps:
  - { id: s1, after: 0d, template: t/a }
  - { id: s2, after: 2d, template: t/b, when: { usage.milestones.teammateInvited: false } }
  - { id: s3, after: 5d, template: t/c }
`;
const onb = programOf({ 'onb.yaml': ONBOARDING });
const newContact = (overrides = {}) =>
  contact({ signedUpAt: new Date(TUE_10_JST - 3_600_000).toISOString(), ...overrides });

describe('planner: entry and steps after entry', () => {
  it('enrolls a matching contact and sends the first step at once', () => {
    const decisions = planOnce(onb, account(), newContact(), TUE_10_JST);
    expect(decisions).toEqual([
      { type: 'enroll', campaignId: 'onb', seq: 1, holdout: false },
      expect.objectContaining({
        type: 'send',
        campaignId: 'onb',
        stepId: 's1',
        sendId: 'onb#s1#c-1',
        template: 't/a',
        channel: 'email',
      }),
    ]);
  });

  it('does not enroll someone outside the audience or already at the goal', () => {
    expect(planOnce(onb, account(), contact({ signedUpAt: '2026-01-01T00:00:00Z' }), TUE_10_JST)).toEqual([]);
    const done = newContact({
      usage: {
        logins7d: 0,
        logins30d: 0,
        helpVisits30d: 0,
        features: {},
        milestones: { firstProjectCreated: '2026-12-01T00:00:00Z' },
      },
    });
    expect(planOnce(onb, account(), done, TUE_10_JST)).toEqual([]);
  });

  it('sends each later step once, when due, in order', () => {
    const { log } = simulate(onb, account(), () => newContact(), hourly(TUE_10_JST, 24 * 8));
    const sends = sendsOf(log);
    expect(sends.map((s) => s.stepId)).toEqual(['s1', 's2', 's3']);
    expect(sends[1]?.at).toBe(TUE_10_JST + 2 * DAY_MS); // Thu 10:00 JST
    // s3 falls due on Sunday 10:00 JST; the window opens Monday 09:00 JST, but the cap (2 in 7 days) holds it
    // until Tuesday 10:00 JST, when s1 leaves the 7-day window
    expect(new Date(sends[2]?.at ?? 0).toISOString()).toBe('2026-12-08T01:00:00.000Z');
  });

  it('closes a step whose condition is false and moves on', () => {
    const invited = newContact({
      usage: {
        logins7d: 1,
        logins30d: 1,
        helpVisits30d: 0,
        features: {},
        milestones: { teammateInvited: '2026-12-01T00:00:00Z' },
      },
    });
    const { log, state } = simulate(onb, account(), () => invited, hourly(TUE_10_JST, 24 * 8));
    expect(sendsOf(log).map((s) => s.stepId)).toEqual(['s1', 's3']);
    expect(state.enrollments.onb?.steps.s2).toMatchObject({ status: 'skipped', reason: 'condition-false' });
  });

  it('exits on the goal and sends nothing after it', () => {
    const goalAt = TUE_10_JST + 3 * DAY_MS;
    const { log, state } = simulate(
      onb,
      account(),
      (now) =>
        newContact(
          now >= goalAt
            ? {
                usage: {
                  logins7d: 1,
                  logins30d: 1,
                  helpVisits30d: 0,
                  features: {},
                  milestones: { firstProjectCreated: new Date(goalAt).toISOString() },
                },
              }
            : {},
        ),
      hourly(TUE_10_JST, 24 * 10),
    );
    expect(sendsOf(log).map((s) => s.stepId)).toEqual(['s1', 's2']);
    expect(state.enrollments.onb).toMatchObject({
      exitReason: 'goal',
      goalReachedAt: new Date(goalAt).toISOString(),
    });
  });

  it('exits as completed when the goal window closes, and never re-enters by default', () => {
    const admins = programOf({
      'onb.yaml': ONBOARDING.replace('contact.signedUpAt: { withinDays: 14 }', 'contact.role: admin'),
    });
    const { state, log } = simulate(admins, account(), () => newContact(), hourly(TUE_10_JST, 24 * 25));
    expect(state.enrollments.onb?.exitReason).toBe('completed');
    expect(log.flatMap((t) => t.decisions).filter((d) => d.type === 'enroll')).toHaveLength(1);
  });

  it('exits when the contact leaves the audience', () => {
    const { state } = simulate(
      onb,
      account(),
      () => newContact({ signedUpAt: new Date(TUE_10_JST - 13 * DAY_MS).toISOString() }),
      hourly(TUE_10_JST, 48),
    );
    expect(state.enrollments.onb?.exitReason).toBe('left-audience');
  });

  it('re-enters after the configured pause, with a new occurrence in the send ids', () => {
    const again = programOf({ 'onb.yaml': `${ONBOARDING}reentry: { after: 3d }\n` });
    const { log } = simulate(again, account(), () => newContact(), hourly(TUE_10_JST, 24 * 30));
    const enrolls = log.flatMap((t) => t.decisions).filter((d) => d.type === 'enroll');
    expect(enrolls.map((e) => e.type === 'enroll' && e.seq)).toEqual([1]);
    // the audience (signed up within 14 days) is gone by then, so a re-entry needs the audience to still match
    const always = programOf({
      'onb.yaml': `${ONBOARDING.replace('contact.signedUpAt: { withinDays: 14 }', 'contact.role: admin')}reentry: { after: 3d }\n`,
    });
    const sends = sendsOf(simulate(always, account(), () => newContact(), hourly(TUE_10_JST, 24 * 60)).log);
    expect(sends.map((s) => s.sendId)).toContain('onb#s1#c-1#e2');
    expect(new Set(sends.map((s) => s.sendId)).size).toBe(sends.length);
  });
});

describe('planner: skips', () => {
  it('defers outside the window with the next opening', () => {
    const saturday = Date.parse('2026-12-05T01:00:00Z');
    const skip = planOnce(
      onb,
      account(),
      newContact({ signedUpAt: new Date(saturday - 3_600_000).toISOString() }),
      saturday,
    ).find((d) => d.type === 'skip');
    expect(skip).toEqual({
      type: 'skip',
      campaignId: 'onb',
      stepId: 's1',
      reason: 'outside-window',
      final: false,
      retryAt: Date.parse('2026-12-07T00:00:00Z'),
    });
  });

  it('uses the fallback zone when the contact has none', () => {
    const noZone = newContact({ timeZone: undefined });
    expect(planOnce(onb, account(), noZone, TUE_10_JST).some((d) => d.type === 'send')).toBe(true);
  });

  it('respects the frequency cap across campaigns, and lets bypass steps through', () => {
    const state = emptyPlanState();
    state.recentSends = [
      { campaignId: 'x', stepId: 'a', at: new Date(TUE_10_JST - DAY_MS).toISOString(), countsToCap: true },
      {
        campaignId: 'y',
        stepId: 'b',
        at: new Date(TUE_10_JST - 2 * DAY_MS).toISOString(),
        countsToCap: true,
      },
      {
        campaignId: 'z',
        stepId: 'c',
        at: new Date(TUE_10_JST - 3 * DAY_MS).toISOString(),
        countsToCap: false,
      },
    ];
    const capped = planOnce(onb, account(), newContact(), TUE_10_JST, state).find((d) => d.type === 'skip');
    expect(capped).toMatchObject({
      reason: 'frequency-cap',
      final: false,
      retryAt: TUE_10_JST - 2 * DAY_MS + 7 * DAY_MS,
    });
    const bypass = programOf({ 'onb.yaml': `${ONBOARDING}bypassFrequencyCap: true\n` });
    expect(
      planOnce(bypass, account(), newContact(), TUE_10_JST, state).find((d) => d.type === 'send'),
    ).toMatchObject({ bypassCap: true });
  });

  it('skips opted-out and suppressed contacts for good, but still enrolls them', () => {
    const optedOut = planOnce(onb, account(), newContact({ topicOptOuts: ['tips'] }), TUE_10_JST);
    expect(optedOut).toContainEqual({
      type: 'skip',
      campaignId: 'onb',
      stepId: 's1',
      reason: 'unsubscribed',
      final: true,
    });
    const all = planOnce(onb, account(), newContact({ unsubscribedAll: true }), TUE_10_JST);
    expect(all).toContainEqual(expect.objectContaining({ reason: 'unsubscribed' }));
    const suppressed = planOnce(onb, account(), newContact({ suppressed: true }), TUE_10_JST);
    expect(suppressed).toContainEqual(expect.objectContaining({ reason: 'suppressed', final: true }));
  });

  it('supersedes older due steps and expires stale ones', () => {
    const program = programOf({ 'onb.yaml': ONBOARDING });
    const state = emptyPlanState();
    state.enrollments.onb = {
      campaignId: 'onb',
      seq: 1,
      enteredAt: new Date(TUE_10_JST - 6 * DAY_MS).toISOString(),
      holdout: false,
      steps: { s1: { status: 'claimed', at: new Date(TUE_10_JST - 6 * DAY_MS).toISOString() } },
    };
    const decisions = planOnce(
      program,
      account(),
      newContact({ signedUpAt: new Date(TUE_10_JST - 6 * DAY_MS).toISOString() }),
      TUE_10_JST,
      state,
    );
    expect(decisions).toContainEqual({
      type: 'skip',
      campaignId: 'onb',
      stepId: 's2',
      reason: 'superseded',
      final: true,
    });
    expect(decisions).toContainEqual(expect.objectContaining({ type: 'send', stepId: 's3' }));
    const late = planOnce(
      program,
      account(),
      newContact({ signedUpAt: new Date(TUE_10_JST - 13 * DAY_MS).toISOString() }),
      TUE_10_JST,
      {
        ...state,
        enrollments: {
          onb: {
            ...state.enrollments.onb,
            enteredAt: new Date(TUE_10_JST - 13 * DAY_MS).toISOString(),
          } as never,
        },
      },
    );
    expect(late).toContainEqual({
      type: 'skip',
      campaignId: 'onb',
      stepId: 's3',
      reason: 'expired',
      final: true,
    });
  });
});

describe('planner: holdout and variants', () => {
  const split = programOf({
    'onb.yaml': `${ONBOARDING.replace('{ id: s1, after: 0d, template: t/a }', '{ id: s1, after: 0d, variants: [ { id: a, weight: 30, template: t/a }, { id: b, weight: 70, template: t/b } ] }')}holdout: 10%\n`,
  });

  it('holds out 10% ± 2 points of 10,000 contacts, deterministically', () => {
    let held = 0;
    const variants: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const c = newContact({ id: `c-${i}` });
      const decisions = planOnce(split, account(), c, TUE_10_JST);
      const enroll = decisions.find((d) => d.type === 'enroll');
      if (enroll?.type === 'enroll' && enroll.holdout) held++;
      const send = decisions.find((d) => d.type === 'send');
      if (send?.type === 'send') variants[send.variantId] = (variants[send.variantId] ?? 0) + 1;
      if (i < 50) expect(planOnce(split, account(), c, TUE_10_JST)).toEqual(decisions);
    }
    expect(held / 10_000).toBeGreaterThan(0.08);
    expect(held / 10_000).toBeLessThan(0.12);
    const sent = (variants.a ?? 0) + (variants.b ?? 0);
    expect((variants.a ?? 0) / sent).toBeGreaterThan(0.27);
    expect((variants.a ?? 0) / sent).toBeLessThan(0.33);
  });

  it('records holdout steps instead of sending them', () => {
    for (let i = 0; i < 200; i++) {
      const decisions = planOnce(split, account(), newContact({ id: `c-${i}` }), TUE_10_JST);
      const enroll = decisions.find((d) => d.type === 'enroll');
      if (enroll?.type !== 'enroll' || !enroll.holdout) continue;
      expect(decisions.map((d) => d.type)).toEqual(['enroll', 'holdout']);
      return;
    }
    throw new Error('no holdout contact among 200');
  });
});

describe('shipped programs', () => {
  const program = mustLoad(shippedFiles());
  const renewalAt = '2027-03-10T00:00:00Z';
  const admin = contact({ role: 'admin', signedUpAt: '2025-01-01T00:00:00Z' });
  const days = (from: string, n: number) => hourly(Date.parse(from), n * 24);

  it('renewal: −90, −60 and −30 day notices for low-touch, each once, carrying the occurrence', () => {
    const { log } = simulate(
      program,
      account({ tier: 'low', renewalAt }),
      () => admin,
      days('2026-12-01T00:00:00Z', 100),
    );
    const sends = sendsOf(log).filter((s) => s.campaignId === 'renewal');
    expect(sends.map((s) => s.stepId)).toEqual(['notice-90', 'notice-60', 'notice-30']);
    expect(sends.map((s) => s.sendId)).toEqual([
      'renewal#notice-90#c-1#2027-03-10',
      'renewal#notice-60#c-1#2027-03-10',
      'renewal#notice-30#c-1#2027-03-10',
    ]);
    expect(sends.every((s) => s.bypassCap)).toBe(true);
  });

  it('renewal: a high-touch account gets one CSM alert instead of emails', () => {
    const { log } = simulate(
      program,
      account({ tier: 'high', renewalAt }),
      () => admin,
      days('2026-12-01T00:00:00Z', 100),
    );
    const sends = sendsOf(log).filter((s) => s.campaignId === 'renewal');
    expect(sends.map((s) => [s.stepId, s.channel])).toEqual([['csm-90', 'csm-alert']]);
  });

  it('renewal: next year is a new occurrence', () => {
    const prepared = (renewal: string) => account({ tier: 'low', renewalAt: renewal });
    const first = simulate(program, prepared(renewalAt), () => admin, days('2026-12-01T00:00:00Z', 100));
    const next = simulate(
      program,
      prepared('2028-03-10T00:00:00Z'),
      () => admin,
      days('2027-12-01T00:00:00Z', 100),
      first.state,
    );
    expect(
      sendsOf(next.log)
        .filter((s) => s.campaignId === 'renewal')
        .map((s) => s.sendId),
    ).toEqual([
      'renewal#notice-90#c-1#2028-03-10',
      'renewal#notice-60#c-1#2028-03-10',
      'renewal#notice-30#c-1#2028-03-10',
    ]);
  });

  it('release: one broadcast at sendAt, with the story chosen by usage segment', () => {
    const power = contact({
      id: 'p',
      role: 'user',
      signedUpAt: '2025-01-01T00:00:00Z',
      usage: {
        logins7d: 9,
        logins30d: 30,
        helpVisits30d: 0,
        milestones: {},
        features: Object.fromEntries(
          ['projects', 'tasks', 'reports', 'automations'].map((f) => [
            f,
            { count: 5, lastUsedAt: '2026-11-30T00:00:00Z' },
          ]),
        ),
      },
    });
    const light = contact({ id: 'l', role: 'user', signedUpAt: '2025-01-01T00:00:00Z' });
    const window = days('2026-12-07T00:00:00Z', 10);
    const ids = (c: typeof power) =>
      sendsOf(simulate(program, account({ tier: 'tech' }), () => c, window).log).filter(
        (s) => s.campaignId === 'feature-release',
      );
    const [p] = ids(power);
    const [l] = ids(light);
    expect(p).toMatchObject({
      template: 'feature-release/announce-power',
      segment: 'power',
      at: Date.parse('2026-12-09T01:00:00Z'),
    });
    expect(l).toMatchObject({
      template: 'feature-release/announce-basics',
      at: Date.parse('2026-12-09T01:00:00Z'),
    });
    expect(ids(power)).toHaveLength(1);
    // after the broadcast has expired nobody new is enrolled
    expect(planOnce(program, account({ tier: 'tech' }), light, Date.parse('2026-12-20T01:00:00Z'))).toEqual(
      [],
    );
  });

  it('fills a missing tier from the tier rules', () => {
    const accounts = prepareAccounts(
      program,
      [account({ tier: undefined, arr: 9_000_000 }), account({ id: 'small', tier: undefined, arr: 10 })],
      0,
    );
    expect(accounts.get('acc-1')?.account.tier).toBe('high');
    expect(accounts.get('small')?.account.tier).toBe('tech');
  });

  it('applies decisions without mutating the previous state', () => {
    const before = emptyPlanState();
    const prepared = prepareAccounts(program, [account()], TUE_10_JST).get('acc-1');
    if (!prepared) throw new Error('missing');
    const decisions = planContact(program, {
      contact: newContact(),
      account: prepared,
      state: before,
      now: TUE_10_JST,
    });
    const after = applyDecisions(program, before, decisions, TUE_10_JST);
    expect(before).toEqual(emptyPlanState());
    expect(Object.keys(after.enrollments)).toContain('onboarding');
  });
});
