import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { createLogger } from '../adapters/powertools-log.ts';
import { ingestDeps, repositories } from '../adapters/runtime-wiring.ts';
import { recordsOf } from '../adapters/sqs-records.ts';
import { processBatch } from '../app/batch.ts';
import { ingestUsage } from '../app/ingest-usage.ts';
import { UsageEventEnvelope } from '../core/tracking/usage-events.ts';
import { lambdaWiring } from './lambda-wiring.ts';

const logger = createLogger('ingest-usage');

/** Product usage events (custom bus → SQS) into daily rows and contact rollups, once per event id. */
export const handler = middy(async (event: SQSEvent) => {
  const wiring = lambdaWiring(logger);
  const deps = ingestDeps(wiring);
  return processBatch(
    recordsOf(event),
    { source: 'usage-events', schema: UsageEventEnvelope, handle: (usage) => ingestUsage(usage, deps) },
    { counters: repositories(wiring).state, log: wiring.log, now: () => wiring.clock.now() },
  );
}).use(injectLambdaContext(logger));
