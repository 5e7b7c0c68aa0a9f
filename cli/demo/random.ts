/** A seeded pseudo-random stream in [0, 1). Each purpose gets its own stream so that drawing more numbers
 * for one purpose (say, injected faults) never changes what another (the demo's people) sees. */
export interface Random {
  next(): number;
  /** an integer in [min, max] */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** a fresh, independent stream derived from this one's seed and a name */
  fork(name: string): Random;
}

function hashName(seed: number, name: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Creates a stream from a numeric seed and a purpose name. */
export function randomStream(seed: number, name = 'root'): Random {
  let state = hashName(seed, name);
  const next = () => {
    // mulberry32: small, fast and good enough for simulation (not for secrets)
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    fork: (child) => randomStream(seed, `${name}/${child}`),
  };
}
