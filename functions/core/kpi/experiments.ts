// A/B experiments with answers: per-arm rates with 95% Wilson intervals, two-proportion tests of each
// variant against the other variants and against the holdout, and a winner only when the difference is
// significant and every arm has at least the minimum sample. Pure math over counts; the caller counts.
import { twoProportionZTest } from './stats.ts';

/** Two-sided significance level of every experiment test. */
export const EXPERIMENT_ALPHA = 0.05;
/** Power used to estimate the sample still needed to see the observed difference. */
export const EXPERIMENT_POWER = 0.8;
/** Fewest exposed contacts per arm before a winner can be declared. */
export const MIN_SAMPLE_PER_ARM = 100;

const Z_95 = 1.959963984540054;
const Z_POWER_80 = 0.8416212335729143;

/** A rate with its 95% Wilson score interval; all null when n is 0. */
export interface Interval {
  rate: number | null;
  low: number | null;
  high: number | null;
}

/** The 95% Wilson score interval of x successes in n trials (well behaved at 0 and n, unlike the Wald one). */
export function wilsonInterval(x: number, n: number): Interval {
  if (n <= 0) return { rate: null, low: null, high: null };
  const p = x / n;
  const z2 = Z_95 * Z_95;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (Z_95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Contacts per arm needed for a two-sided test at EXPERIMENT_ALPHA with EXPERIMENT_POWER to detect the
 * difference between rates p1 and p2; null when they are equal (no difference to detect).
 */
export function sampleSizePerArm(p1: number, p2: number): number | null {
  const diff = Math.abs(p1 - p2);
  if (diff === 0) return null;
  const mean = (p1 + p2) / 2;
  const a = Z_95 * Math.sqrt(2 * mean * (1 - mean));
  const b = Z_POWER_80 * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil(((a + b) * (a + b)) / (diff * diff));
}

/** One arm's outcome on one metric: successes of the exposed contacts. */
export interface ArmCounts {
  arm: string;
  n: number;
  successes: number;
}

/** One arm's line of the verdict. */
export interface ArmResult extends ArmCounts, Interval {
  /** p-value of this arm against all other variant arms pooled; null when undefined */
  pVsOthers: number | null;
  /** p-value of this arm against the holdout; null without a holdout */
  pVsHoldout: number | null;
  /** rate minus the holdout's rate; null without a holdout */
  liftVsHoldout: number | null;
}

/** What the experiment says so far on one metric. */
export type Verdict =
  | { kind: 'winner'; winner: string }
  | { kind: 'not-enough-data'; morePerArm: number | null }
  | { kind: 'no-difference' }
  | { kind: 'single-arm' };

/** An experiment judged on one metric. */
export interface ExperimentResult {
  arms: ArmResult[];
  holdout: (ArmCounts & Interval) | undefined;
  verdict: Verdict;
}

/**
 * Judges variant arms (and an optional holdout) on one metric. A winner is the arm with the best rate
 * when it beats every other arm at EXPERIMENT_ALPHA and every arm has MIN_SAMPLE_PER_ARM contacts.
 * Otherwise the verdict says how many more contacts per arm the observed difference would need.
 */
export function judgeExperiment(
  arms: readonly ArmCounts[],
  holdout: ArmCounts | undefined,
  minSample = MIN_SAMPLE_PER_ARM,
): ExperimentResult {
  const totalN = arms.reduce((sum, a) => sum + a.n, 0);
  const totalX = arms.reduce((sum, a) => sum + a.successes, 0);
  const holdoutStats =
    holdout && holdout.n > 0 ? { ...holdout, ...wilsonInterval(holdout.successes, holdout.n) } : undefined;
  const results: ArmResult[] = arms.map((arm) => {
    const interval = wilsonInterval(arm.successes, arm.n);
    const others =
      arms.length > 1
        ? twoProportionZTest(arm.successes, arm.n, totalX - arm.successes, totalN - arm.n)
        : undefined;
    const vsHoldout = holdoutStats
      ? twoProportionZTest(arm.successes, arm.n, holdoutStats.successes, holdoutStats.n)
      : undefined;
    return {
      ...arm,
      ...interval,
      pVsOthers: others?.pValue ?? null,
      pVsHoldout: vsHoldout?.pValue ?? null,
      liftVsHoldout:
        holdoutStats && interval.rate !== null && holdoutStats.rate !== null
          ? interval.rate - holdoutStats.rate
          : null,
    };
  });
  return { arms: results, holdout: holdoutStats, verdict: verdictOf(arms, minSample) };
}

function verdictOf(arms: readonly ArmCounts[], minSample: number): Verdict {
  const live = arms.filter((a) => a.n > 0);
  if (arms.length < 2) return { kind: 'single-arm' };
  if (live.length < arms.length) return { kind: 'not-enough-data', morePerArm: minSample };
  const ranked = [...live].sort(
    (a, b) => b.successes / b.n - a.successes / a.n || a.arm.localeCompare(b.arm),
  );
  const best = ranked[0];
  const second = ranked[1];
  if (!best || !second) return { kind: 'single-arm' };
  const smallest = Math.min(...live.map((a) => a.n));
  const beatsAll = ranked.slice(1).every((other) => {
    const test = twoProportionZTest(best.successes, best.n, other.successes, other.n);
    return (
      test.pValue !== null &&
      test.pValue < EXPERIMENT_ALPHA &&
      best.successes / best.n > other.successes / other.n
    );
  });
  if (beatsAll && smallest >= minSample) return { kind: 'winner', winner: best.arm };
  const needed = sampleSizePerArm(best.successes / best.n, second.successes / second.n);
  if (needed === null) {
    return smallest >= minSample
      ? { kind: 'no-difference' }
      : { kind: 'not-enough-data', morePerArm: minSample - smallest };
  }
  const target = Math.max(minSample, needed);
  if (smallest >= target) return { kind: 'no-difference' };
  return { kind: 'not-enough-data', morePerArm: target - smallest };
}

/** The verdict in words, as the CSV, JSON and report show it. */
export function describeVerdict(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'winner':
      return `winner: ${verdict.winner}`;
    case 'no-difference':
      return 'no significant difference';
    case 'single-arm':
      return 'one variant only';
    case 'not-enough-data':
      return verdict.morePerArm === null
        ? 'not enough data yet'
        : `not enough data yet: about ${verdict.morePerArm} more contacts per variant`;
  }
}
