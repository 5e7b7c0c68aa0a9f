import { lambdaDeps } from '../adapters/lambda-deps.ts';
import { lambdaFunction } from '../adapters/lambda-root.ts';
import { runNightlyHealth } from '../app/nightly-health.ts';

const fn = lambdaFunction('nightly-health');
const deps = lambdaDeps(fn);

/** Nightly (EventBridge Scheduler): usage rollups rolled forward, then health, tiers, CTAs and digests. */
export const handler = fn.wrap(async () => {
  const result = await runNightlyHealth({}, await deps.nightlyHealth());
  fn.log.info('nightly health done', { ...result });
  return result;
});
