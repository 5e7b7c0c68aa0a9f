/** Milliseconds in one day. */
export const DAY_MS = 86_400_000;

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };
const DURATION = /^(-|\+)?(\d{1,5})(m|h|d|w)$/;

/** Parses a duration such as `2d`, `-90d`, `36h`, `2w` or `30m` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, sign, amount, unit] = match;
  const ms = Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
  if (!Number.isFinite(ms)) return undefined;
  return sign === '-' ? -ms : ms;
}

/** Formats milliseconds back into the shortest exact duration text (`-90d`, `36h`). */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    const size = UNIT_MS[unit] ?? 1;
    if (abs % size === 0) return `${sign}${abs / size}${unit}`;
  }
  return `${sign}${abs}ms`;
}

// The same timestamps recur across contacts (every enrollment of one tick shares its enteredAt), and a
// lookup is cheaper than parsing again; the memo is bounded and simply starts over when full.
const parsed = new Map<string, number>();

/** Parses an ISO timestamp into epoch milliseconds; undefined when absent or invalid. */
export function toEpoch(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = epochOf(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Date.parse with a bounded memo: NaN for text that is not a date. */
export function epochOf(iso: string): number {
  let ms = parsed.get(iso);
  if (ms === undefined) {
    ms = Date.parse(iso);
    if (parsed.size >= 100_000) parsed.clear();
    parsed.set(iso, ms);
  }
  return ms;
}
