import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { runtimeProgram } from '../adapters/lambda-runtime.ts';
import { createLogger } from '../adapters/powertools-log.ts';
import { planShardDeps, repositories } from '../adapters/runtime-wiring.ts';
import { recordsOf } from '../adapters/sqs-records.ts';
import { processBatch } from '../app/batch.ts';
import { planShard } from '../app/plan-shard.ts';
import { PlanShardMessage } from '../app/tick.ts';
import { lambdaWiring } from './lambda-wiring.ts';

const logger = createLogger('plan-shard');

/** Plans one scan segment per message; failed segments are redelivered (claims make that safe). */
export const handler = middy(async (event: SQSEvent) => {
  const wiring = lambdaWiring(logger);
  const { program } = await runtimeProgram();
  const deps = planShardDeps(wiring, program);
  return processBatch(
    recordsOf(event),
    {
      source: 'plan-queue',
      schema: PlanShardMessage,
      concurrency: 1,
      handle: async (message) => {
        const report = await planShard(message, deps);
        logger.info('shard planned', { segment: message.segment, ...report });
      },
    },
    { counters: repositories(wiring).state, log: wiring.log, now: () => wiring.clock.now() },
  );
}).use(injectLambdaContext(logger));
