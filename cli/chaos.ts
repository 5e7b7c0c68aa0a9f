/** Faults the local runtime can inject, each drawn from its own random stream. */
export interface Chaos {
  /** every queue message (plan, send, SES event) is delivered twice */
  duplicateDelivery: boolean;
  /** share of SendEmail calls answered with a throttle (HTTP 429) */
  sesThrottle: number;
  /** share of sends that crash after the claim, before SES is called */
  crashAfterClaim: number;
  /** share of sends that crash after SES accepted them, before the result is recorded */
  crashAfterSend: number;
}

export const NO_CHAOS: Chaos = {
  duplicateDelivery: false,
  sesThrottle: 0,
  crashAfterClaim: 0,
  crashAfterSend: 0,
};

/** A --chaos value that cannot be understood. */
export class ChaosSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChaosSpecError';
  }
}

const RATES = {
  'ses-throttle': 'sesThrottle',
  'crash-after-claim': 'crashAfterClaim',
  'crash-after-send': 'crashAfterSend',
} as const;

function isRate(name: string): name is keyof typeof RATES {
  return Object.hasOwn(RATES, name);
}

/** Parses `duplicate-delivery,ses-throttle=0.3,crash-after-claim=0.02,crash-after-send=0.02`. */
export function parseChaos(spec: string | undefined): Chaos {
  const chaos = { ...NO_CHAOS };
  if (!spec) return chaos;
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name = '', value] = part.split('=');
    if (name === 'duplicate-delivery' && value === undefined) {
      chaos.duplicateDelivery = true;
      continue;
    }
    if (isRate(name)) {
      const rate = Number(value);
      if (value === undefined || !Number.isFinite(rate) || rate < 0 || rate > 1)
        throw new ChaosSpecError(
          `--chaos ${name} needs a rate between 0 and 1, e.g. ${name}=0.3 (got ${value ?? 'nothing'})`,
        );
      chaos[RATES[name]] = rate;
      continue;
    }
    throw new ChaosSpecError(
      `--chaos: unknown fault "${part}" (expected duplicate-delivery, ses-throttle=<0..1>, crash-after-claim=<0..1>, crash-after-send=<0..1>)`,
    );
  }
  return chaos;
}
