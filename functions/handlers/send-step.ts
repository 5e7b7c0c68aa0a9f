import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { ENV } from '../adapters/env-keys.ts';
import { numberEnv, requireEnv, runtimeProgram, sesClient, signingKeys } from '../adapters/lambda-runtime.ts';
import { createLogger } from '../adapters/powertools-log.ts';
import { repositories, sendPolicyOf, sendStepDeps } from '../adapters/runtime-wiring.ts';
import { SesEmailSender } from '../adapters/ses-sender.ts';
import { recordsOf } from '../adapters/sqs-records.ts';
import { TokenBucket } from '../adapters/token-bucket.ts';
import { processBatch } from '../app/batch.ts';
import { SendMessage, type SendStepDeps, sendStep } from '../app/send-step.ts';
import { createStepRenderer } from '../app/step-renderer.ts';
import { lambdaWiring } from './lambda-wiring.ts';

const logger = createLogger('send-step');
let depsPromise: Promise<SendStepDeps> | undefined;

// Built once per cold start; the limiter keeps this worker to its share of the account's MaxSendRate.
async function buildDeps(): Promise<SendStepDeps> {
  const wiring = lambdaWiring(logger);
  const [{ program, catalog }, keys] = await Promise.all([runtimeProgram(), signingKeys()]);
  const workers = Math.max(1, numberEnv(ENV.senderConcurrency, 1));
  const rate = numberEnv(ENV.maxSendRate, 14) / workers;
  return sendStepDeps(wiring, {
    renderer: createStepRenderer({
      program,
      catalog,
      signingKeys: keys,
      unsubscribeBaseUrl: requireEnv(ENV.unsubscribeBaseUrl),
    }),
    sender: new SesEmailSender(sesClient(), {
      fromAddress: requireEnv(ENV.fromAddress),
      ...(process.env[ENV.fromName] ? { fromName: process.env[ENV.fromName] } : {}),
      ...(process.env[ENV.configurationSet] ? { configurationSet: process.env[ENV.configurationSet] } : {}),
      ...(process.env[ENV.identityArn] ? { identityArn: process.env[ENV.identityArn] } : {}),
    }),
    policy: sendPolicyOf(program),
    limiter: new TokenBucket({ ratePerSecond: rate }),
  });
}

/** Sends claimed steps; throttled sends are re-enqueued with backoff, never dropped. */
export const handler = middy(async (event: SQSEvent) => {
  depsPromise ??= buildDeps();
  depsPromise.catch(() => {
    depsPromise = undefined;
  });
  const deps = await depsPromise;
  return processBatch(
    recordsOf(event),
    {
      source: 'send-queue',
      schema: SendMessage,
      handle: async (message) => {
        const result = await sendStep(message, deps);
        if (result.outcome !== 'sent')
          logger.info('send not delivered now', { sendId: message.sendId, ...result });
      },
    },
    { counters: repositories(lambdaWiring(logger)).state, log: deps.log, now: () => deps.clock.now() },
  );
}).use(injectLambdaContext(logger));
