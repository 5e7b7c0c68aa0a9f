/** One line of bench/results.json. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  target: string;
}

/** Runs fn `rounds` times and returns the best (smallest) elapsed milliseconds, after one warm-up. */
export function bestOf(rounds: number, fn: () => void): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}
