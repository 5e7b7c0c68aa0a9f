import { lambdaDeps } from '../adapters/lambda-deps.ts';
import { lambdaFunction } from '../adapters/lambda-root.ts';
import { SendMessage, sendStep } from '../app/send-step.ts';

const fn = lambdaFunction('send-step');
const deps = lambdaDeps(fn);

/** Sends claimed steps, paced by the token bucket; throttled sends are re-enqueued with backoff. */
export const handler = fn.wrap(
  fn.sqs('send-queue', SendMessage, async (message) => sendStep(message, await deps.sendStep())),
);
