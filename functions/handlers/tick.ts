import { z } from 'zod';
import { ENV } from '../adapters/env-keys.ts';
import { lambdaEnv, lambdaFunction, planQueue, systemClock } from '../adapters/lambda-root.ts';
import { tick } from '../app/tick.ts';

const fn = lambdaFunction('tick');
// The Scheduler passes the schedule's input; `time` (<aws.scheduler.scheduled-time>) may be missing.
const TickInput = z.looseObject({ time: z.iso.datetime({ offset: true }).optional() }).catch({});

/** Hourly (EventBridge Scheduler): one plan-shard message per scan segment. */
export const handler = fn.wrap(async (event: unknown) => {
  const { time } = TickInput.parse(event ?? {});
  const at = time ? Date.parse(time) : systemClock.now();
  const messages = await tick({ at, shards: lambdaEnv()[ENV.planShards] }, { planQueue: planQueue() });
  return { shards: messages.length };
});
