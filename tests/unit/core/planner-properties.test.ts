import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inWindow, zoneFor } from '../../../functions/core/campaign/time-window.ts';
import { DAY_MS } from '../../../functions/core/shared/duration.ts';
import { account, contact, mustLoad, shippedFiles } from './fixtures.ts';
import { sendsOf, simulate } from './planner-helpers.ts';

const program = mustLoad(shippedFiles());
const START = Date.parse('2026-11-25T00:00:00Z');
const HOUR = 3_600_000;
const FEATURES = [
  'projects',
  'tasks',
  'reports',
  'dashboards',
  'integrations',
  'automations',
  'guest-access',
];

const scenario = fc.record({
  signupDays: fc.integer({ min: -20, max: 20 }),
  timeZone: fc.constantFrom(
    'Asia/Tokyo',
    'America/New_York',
    'Europe/London',
    'Australia/Sydney',
    undefined,
    'Not/AZone',
  ),
  role: fc.constantFrom('admin', 'owner', 'user'),
  logins30d: fc.integer({ min: 0, max: 40 }),
  features: fc.integer({ min: 0, max: 7 }),
  goalAfterHours: fc.option(fc.integer({ min: 0, max: 40 * 24 }), { nil: undefined }),
  optOut: fc.constantFrom<string[]>([], ['product-updates'], ['onboarding-tips'], ['renewal-notices']),
  tier: fc.constantFrom('high' as const, 'low' as const, 'tech' as const),
  renewalDays: fc.option(fc.integer({ min: -10, max: 140 }), { nil: undefined }),
  // gaps between runs of the planner, 0 meaning the same tick ran twice
  gaps: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 20, maxLength: 200 }),
});

describe('planner properties over any sequence of runs', () => {
  it('never sends a step twice, never outside the window, never above the cap, never after the goal', () => {
    const seen = { sends: 0, campaigns: new Set<string>(), capped: 0 };
    fc.assert(
      fc.property(scenario, (s) => {
        const goalAt = s.goalAfterHours !== undefined ? START + s.goalAfterHours * HOUR : undefined;
        const acct = account({
          tier: s.tier,
          ...(s.renewalDays !== undefined
            ? { renewalAt: new Date(START + s.renewalDays * DAY_MS).toISOString() }
            : {}),
        });
        const features = Object.fromEntries(
          FEATURES.slice(0, s.features).map((f) => [
            f,
            { count: 3, lastUsedAt: new Date(START).toISOString() },
          ]),
        );
        const contactAt = (now: number) =>
          contact({
            role: s.role,
            timeZone: s.timeZone,
            topicOptOuts: s.optOut,
            signedUpAt: new Date(START + s.signupDays * DAY_MS).toISOString(),
            usage: {
              logins7d: Math.min(s.logins30d, 7),
              logins30d: s.logins30d,
              helpVisits30d: 0,
              features,
              milestones:
                goalAt !== undefined && now >= goalAt
                  ? { firstProjectCreated: new Date(goalAt).toISOString() }
                  : {},
            },
          });
        const instants: number[] = [];
        let at = START;
        for (const gap of s.gaps) {
          at += gap * HOUR;
          instants.push(at);
        }
        const { log } = simulate(program, acct, contactAt, instants);
        const sends = sendsOf(log);
        seen.sends += sends.length;
        for (const send of sends) seen.campaigns.add(send.campaignId);
        seen.capped += log
          .flatMap((t) => t.decisions)
          .filter((d) => d.type === 'skip' && d.reason === 'frequency-cap').length;

        // 1. no step twice: send ids are unique
        expect(new Set(sends.map((x) => x.sendId)).size).toBe(sends.length);
        for (const send of sends.filter((x) => x.channel === 'email')) {
          const campaign = program.campaigns.find((c) => c.id === send.campaignId);
          // 2. inside the campaign's window in the contact's zone (or the fallback)
          if (campaign?.window) {
            const zone = zoneFor(s.timeZone, program.policy.fallbackTimeZone);
            expect(inWindow(campaign.window, send.at, zone)).toBe(true);
          }
          // opted-out topics never receive mail
          expect(s.optOut).not.toContain(send.topic);
        }
        // 3. the cap: at most 2 counted emails in any 7 days
        const counted = sends.filter((x) => x.channel === 'email' && !x.bypassCap).map((x) => x.at);
        for (const t of counted) {
          expect(counted.filter((u) => u > t - program.policy.capPerMs && u <= t).length).toBeLessThanOrEqual(
            program.policy.capMax,
          );
        }
        // 4. nothing from the onboarding campaign once its goal is reached
        if (goalAt !== undefined)
          expect(sends.filter((x) => x.campaignId === 'onboarding' && x.at >= goalAt)).toEqual([]);
      }),
      { numRuns: 300, seed: 20261122 },
    );
    // the runs exercised every campaign and the cap, so the properties were not checked on empty histories
    expect(seen.sends).toBeGreaterThan(200);
    expect([...seen.campaigns].sort()).toEqual(['feature-release', 'onboarding', 'renewal']);
    expect(seen.capped).toBeGreaterThan(0);
  });
});
