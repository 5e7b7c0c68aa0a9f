import { accountUsageOf } from '../core/accounts/account-usage.ts';
import { ctaNeedsOwner } from '../core/accounts/cta-lifecycle.ts';
import { type Cta, CtaConfig, evaluateCtas } from '../core/accounts/ctas.ts';
import { scoreHealth } from '../core/accounts/health.ts';
import { assignTier } from '../core/accounts/tiers.ts';
import type { Program } from '../core/campaign/program.ts';
import { addDays } from '../core/kpi/dates.ts';
import type { Account, Contact, DailyUsage, Health, NpsResponse, Tier } from '../core/shared/domain.ts';
import { type CtaStore, type DigestSender, raiseCtas, sendCtaDigests } from './ctas.ts';
import type { AccountRepository, BusEvent, Clock, EventPublisher, Log } from './ports.ts';
import { type RefreshRollupsDeps, type RefreshRollupsResult, refreshUsageRollups } from './refresh-usage.ts';
import { EVENT_SOURCE } from './send-step.ts';

/** Detail type of the event published when an account's health color changes. */
export const HEALTH_CHANGED_DETAIL_TYPE = 'lowtouch.health-changed';
/** Detail type of the event published when an account's touch tier changes. */
export const TIER_CHANGED_DETAIL_TYPE = 'lowtouch.tier-changed';

/** Scores health and assigns tiers; built from the loaded program by `healthModelOf`. */
export interface HealthModel {
  /** The account's health now, or undefined when no scorecard is configured. */
  score(account: Account, contacts: readonly Contact[], now: number): Health | undefined;
  /** The account's tier given its (new) health, with the matching rule's reason. */
  tier(account: Account, health: Health | undefined, now: number): { tier: Tier; because: string };
}

/** The health model of a loaded program: its health.yaml scorecard and tiers.yaml rules. */
export function healthModelOf(program: Program): HealthModel {
  return {
    score: (account, contacts, now) =>
      program.health ? scoreHealth(program.health, account, contacts, now) : undefined,
    tier: (account, health, now) => assignTier(program, account, health, now),
  };
}

/** Reads what the nightly job needs besides accounts. */
export interface HealthInputs {
  /** Every contact (profiles with usage rollups). */
  listContacts(): Promise<Contact[]>;
  /** Daily usage rows with fromDate ≤ date ≤ toDate (YYYY-MM-DD). */
  listDailyUsage(fromDate: string, toDate: string): Promise<DailyUsage[]>;
  /** Every NPS answer kept. */
  listNpsResponses(): Promise<NpsResponse[]>;
}

/** Dependencies of the nightly job. */
export interface NightlyHealthDeps {
  accounts: Pick<AccountRepository, 'listAll' | 'put'>;
  inputs: HealthInputs;
  model: HealthModel;
  ctas: CtaStore;
  events: EventPublisher;
  digest: DigestSender;
  clock: Clock;
  log?: Log;
  /**
   * Where usage rollups are refreshed before scoring (contacts and daily rows). When given, the refreshed
   * contacts are scored and `inputs.listContacts` is not called.
   */
  rollups?: Omit<RefreshRollupsDeps, 'clock' | 'log'>;
}

/** What one nightly run did. */
export interface NightlyHealthResult {
  day: string;
  accounts: number;
  scored: number;
  healthChanges: number;
  tierChanges: number;
  ctasRaised: number;
  ctaDuplicates: number;
  ctasUnpublished: number;
  digestsSent: number;
  digestsFailed: number;
  /** the usage-rollup refresh, when the job ran one */
  rollups?: RefreshRollupsResult['stats'];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/**
 * The nightly job: refreshes stale usage rollups (when `deps.rollups` is given), then scores every
 * non-churned account, recomputes its tier, raises CTAs, publishes health and tier transitions, saves
 * the account and sends each CSM a digest of the new CTAs. Events and CTAs go out before the account
 * is saved, so a retried run still sees the old color.
 */
export async function runNightlyHealth(
  input: { ctaConfig?: Partial<CtaConfig> },
  deps: NightlyHealthDeps,
): Promise<NightlyHealthResult> {
  const config = CtaConfig.parse(input.ctaConfig ?? {});
  const now = deps.clock.now();
  const at = new Date(now).toISOString();
  const day = at.slice(0, 10);
  const refresh = deps.rollups
    ? refreshUsageRollups({ ...deps.rollups, clock: deps.clock, ...(deps.log ? { log: deps.log } : {}) })
    : undefined;
  const [accounts, contacts, usage, nps] = await Promise.all([
    deps.accounts.listAll(),
    refresh ? refresh.then((r) => r.contacts) : deps.inputs.listContacts(),
    deps.inputs.listDailyUsage(addDays(day, -60), addDays(day, -1)),
    deps.inputs.listNpsResponses(),
  ]);
  const contactsByAccount = groupBy(contacts, (c) => c.accountId);
  const usageByAccount = groupBy(usage, (u) => u.accountId);
  const npsByAccount = groupBy(nps, (r) => r.accountId);
  const result: NightlyHealthResult = {
    day,
    accounts: accounts.length,
    scored: 0,
    healthChanges: 0,
    tierChanges: 0,
    ctasRaised: 0,
    ctaDuplicates: 0,
    ctasUnpublished: 0,
    digestsSent: 0,
    digestsFailed: 0,
    ...(refresh ? { rollups: (await refresh).stats } : {}),
  };
  const raised: Cta[] = [];
  const updated: Account[] = [];
  for (const account of [...accounts].sort((a, b) => a.id.localeCompare(b.id))) {
    if (account.status === 'churned') {
      updated.push(account);
      continue;
    }
    const members = contactsByAccount.get(account.id) ?? [];
    const health = deps.model.score(account, members, now);
    const usage = accountUsageOf(
      account.id,
      account.seats,
      members,
      usageByAccount.get(account.id) ?? [],
      addDays(day, -1),
    );
    const next: Account = { ...account, ...(health ? { health } : {}), usage };
    const { tier, because } = deps.model.tier(next, health, now);
    next.tier = tier;
    if (health) result.scored += 1;

    const events: BusEvent[] = [];
    if (health && health.color !== account.health?.color) {
      result.healthChanges += 1;
      events.push({
        source: EVENT_SOURCE,
        detailType: HEALTH_CHANGED_DETAIL_TYPE,
        detail: {
          accountId: account.id,
          from: account.health?.color ?? null,
          to: health.color,
          score: health.score,
          previousScore: account.health?.score ?? null,
          at,
        },
      });
    }
    if (tier !== account.tier) {
      result.tierChanges += 1;
      events.push({
        source: EVENT_SOURCE,
        detailType: TIER_CHANGED_DETAIL_TYPE,
        detail: { accountId: account.id, from: account.tier ?? null, to: tier, because, at },
      });
    }
    const candidates = evaluateCtas(
      {
        account: next,
        previousHealth: account.health,
        health,
        tier,
        usage: usageByAccount.get(account.id) ?? [],
        npsResponses: npsByAccount.get(account.id) ?? [],
      },
      now,
      config,
    );
    const outcome = await raiseCtas({ candidates }, deps);
    raised.push(...outcome.raised);
    result.ctaDuplicates += outcome.duplicates;
    result.ctasUnpublished += outcome.unpublished;
    if (events.length > 0) await deps.events.publish(events);
    await deps.accounts.put(next);
    updated.push(next);
  }
  result.ctasRaised = raised.length;
  // The digest lists every CTA still waiting for its owner (open, acknowledged, or back from a snooze).
  const waiting = (await deps.ctas.listAll()).filter((record) => ctaNeedsOwner(record, now));
  const digests = await sendCtaDigests({ ctas: waiting, accounts: updated, day }, deps);
  result.digestsSent = digests.sent;
  result.digestsFailed = digests.failed;
  deps.log?.info('nightly health done', { ...result });
  return result;
}
