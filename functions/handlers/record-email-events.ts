import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { createLogger } from '../adapters/powertools-log.ts';
import { repositories, trackerDeps } from '../adapters/runtime-wiring.ts';
import { recordsOf } from '../adapters/sqs-records.ts';
import { processBatch } from '../app/batch.ts';
import { recordEmailEvent } from '../app/record-email-event.ts';
import { SesEventBridgeEvent } from '../core/tracking/ses-events.ts';
import { lambdaWiring } from './lambda-wiring.ts';

const logger = createLogger('record-email-events');

/** SES events (EventBridge default bus → SQS): unique opens/clicks, suppressions, breaker, counters. */
export const handler = middy(async (event: SQSEvent) => {
  const wiring = lambdaWiring(logger);
  const deps = trackerDeps(wiring);
  return processBatch(
    recordsOf(event),
    {
      source: 'email-events',
      schema: SesEventBridgeEvent,
      handle: (sesEvent) => recordEmailEvent(sesEvent, deps),
    },
    { counters: repositories(wiring).state, log: wiring.log, now: () => wiring.clock.now() },
  );
}).use(injectLambdaContext(logger));
