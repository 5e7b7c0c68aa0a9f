import type { HealthFile, HealthMetric } from '../campaign/program-schema.ts';
import type { Account, Contact, Health, HealthColor } from '../shared/domain.ts';
import { DAY_MS, parseDuration, toEpoch } from '../shared/duration.ts';

/** Account-level usage figures a health measure can read; null when there is no data. */
export type HealthMetrics = Record<HealthMetric, number | null>;

/** Aggregates an account's contacts into the figures health measures are scored on. */
export function healthMetrics(
  config: HealthFile,
  account: Account,
  contacts: readonly Contact[],
  now: number,
): HealthMetrics {
  const n = contacts.length;
  const windowMs = parseDuration(config.keyFeatureWindow) ?? 30 * DAY_MS;
  const keyFeatures = new Set(config.keyFeatures);
  const usedKeyFeatures = new Set<string>();
  let activeUsers = 0;
  let logins30d = 0;
  let helpVisits30d = 0;
  let lastLogin: number | undefined;
  for (const contact of contacts) {
    const usage = contact.usage;
    logins30d += usage.logins30d;
    helpVisits30d += usage.helpVisits30d;
    const last = toEpoch(usage.lastLoginAt);
    if (last !== undefined) {
      if (last >= now - 7 * DAY_MS) activeUsers++;
      if (lastLogin === undefined || last > lastLogin) lastLogin = last;
    }
    for (const [feature, use] of Object.entries(usage.features)) {
      const at = toEpoch(use.lastUsedAt);
      if (keyFeatures.has(feature) && at !== undefined && at >= now - windowMs) usedKeyFeatures.add(feature);
    }
  }
  return {
    keyFeaturesUsed: n > 0 ? usedKeyFeatures.size : null,
    activeUserShare: n > 0 ? activeUsers / n : null,
    loginsPerUser30d: n > 0 ? logins30d / n : null,
    seatUtilization: account.seats > 0 ? n / account.seats : null,
    helpVisitsPerUser30d: n > 0 ? helpVisits30d / n : null,
    daysSinceLastLogin: lastLogin !== undefined ? Math.floor((now - lastLogin) / DAY_MS) : null,
    nps: account.nps?.score ?? null,
  };
}

const POINTS: Record<HealthColor, number> = { green: 100, yellow: 50, red: 0 };

/** Maps a score to its color with the scorecard's thresholds. */
export function colorOf(config: HealthFile, score: number): HealthColor {
  if (score >= config.thresholds.green) return 'green';
  if (score >= config.thresholds.yellow) return 'yellow';
  return 'red';
}

/** Scores an account's health: each measure is green (100), yellow (50) or red (0), then weighted. */
export function scoreHealth(
  config: HealthFile,
  account: Account,
  contacts: readonly Contact[],
  now: number,
): Health {
  const metrics = healthMetrics(config, account, contacts, now);
  const measures: Record<string, number> = {};
  let weighted = 0;
  let weights = 0;
  for (const measure of config.measures) {
    const value = metrics[measure.metric];
    let color: HealthColor | undefined;
    if (value === null) color = measure.whenMissing === 'ignore' ? undefined : measure.whenMissing;
    else if (measure.direction === 'higher-is-better')
      color = value >= measure.green ? 'green' : value >= measure.yellow ? 'yellow' : 'red';
    else color = value <= measure.green ? 'green' : value <= measure.yellow ? 'yellow' : 'red';
    if (color === undefined) continue;
    measures[measure.id] = POINTS[color];
    weighted += POINTS[color] * measure.weight;
    weights += measure.weight;
  }
  // With no data at all an account is neither healthy nor failing: it scores the middle.
  const score = weights > 0 ? Math.round(weighted / weights) : 50;
  return { score, color: colorOf(config, score), measures, computedAt: new Date(now).toISOString() };
}
