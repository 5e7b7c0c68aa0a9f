/** One line of bench/results.json. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  target: string;
}

/** CPU milliseconds (user + system) of this process spent in fn: "per core" numbers come from CPU time. */
export async function cpuMs(fn: () => unknown): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/**
 * The best (smallest) of `rounds` runs after one warm-up, in CPU milliseconds. Unlike wall time, CPU time
 * does not grow when other work on a shared machine takes the core away; GC helper threads still count.
 */
export async function bestCpuOf(rounds: number, fn: () => unknown): Promise<number> {
  await fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) best = Math.min(best, await cpuMs(fn));
  return best;
}
