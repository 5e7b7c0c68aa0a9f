import { epochOf } from '../shared/duration.ts';
import type { RecentSend } from './plan-state.ts';

/** The per-contact frequency cap: at most `max` counted emails in any `perMs` window. */
export interface FrequencyCap {
  max: number;
  perMs: number;
}

/** How much of the cap a contact has used at an instant. */
export interface CapUsage {
  /** counted emails inside the window ending at `now` */
  used: number;
  /** when the oldest counted email leaves the window (epoch ms); undefined when none is counted */
  freesAt: number | undefined;
}

/**
 * Counts the emails that count toward the cap in the window (now − perMs, now]. `exclude` leaves out
 * one step's own entry, so the sender re-checking a claim does not count the claim against itself.
 */
export function capUsage(
  recentSends: readonly RecentSend[],
  cap: FrequencyCap,
  now: number,
  exclude?: { campaignId: string; stepId: string },
): CapUsage {
  const since = now - cap.perMs;
  let used = 0;
  let oldest: number | undefined;
  for (const sent of recentSends) {
    if (!sent.countsToCap) continue;
    if (exclude && sent.campaignId === exclude.campaignId && sent.stepId === exclude.stepId) continue;
    const at = epochOf(sent.at);
    if (at <= since || at > now) continue;
    used++;
    if (oldest === undefined || at < oldest) oldest = at;
  }
  return { used, freesAt: oldest === undefined ? undefined : oldest + cap.perMs };
}

/** Whether one more email fits under the cap; when not, when to try again (epoch ms, if known). */
export function capAllows(
  usage: CapUsage,
  cap: FrequencyCap,
): { ok: true } | { ok: false; retryAt: number | undefined } {
  return usage.used < cap.max ? { ok: true } : { ok: false, retryAt: usage.freesAt };
}
