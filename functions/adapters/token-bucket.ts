import type { RateLimiter } from '../app/ports.ts';

export interface TokenBucketOptions {
  /** calls per second */
  ratePerSecond: number;
  /** calls allowed at once after an idle period; 1 keeps the pace smooth */
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Paces callers to a steady rate. Each `take` reserves the next free slot, so concurrent callers queue
 * up in order instead of racing; `penalize` pushes every future slot back after a throttle.
 */
export class TokenBucket implements RateLimiter {
  private nextSlot = 0;
  private readonly intervalMs: number;
  private readonly burstMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) {
      throw new RangeError(
        `ratePerSecond must be above 0, got ${options.ratePerSecond}; pass the SES MaxSendRate share`,
      );
    }
    this.intervalMs = 1000 / options.ratePerSecond;
    this.burstMs = this.intervalMs * Math.max(0, (options.burst ?? 1) - 1);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async take(): Promise<void> {
    const now = this.now();
    const slot = Math.max(this.nextSlot, now - this.burstMs);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await this.sleep(slot - now);
  }

  penalize(ms: number): void {
    this.nextSlot = Math.max(this.nextSlot, this.now() + ms);
  }
}

/** A limiter that never waits (no configured rate). */
export const UNLIMITED: RateLimiter = { take: async () => {}, penalize: () => {} };
