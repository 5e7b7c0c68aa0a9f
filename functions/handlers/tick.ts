import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { ENV } from '../adapters/env-keys.ts';
import { numberEnv, requireEnv, sqsClient } from '../adapters/lambda-runtime.ts';
import { createLogger } from '../adapters/powertools-log.ts';
import { SqsMessageQueue } from '../adapters/sqs-queue.ts';
import { type PlanShardMessage, tick } from '../app/tick.ts';

const logger = createLogger('tick');
// EventBridge Scheduler passes the schedule's input; `time` (e.g. <aws.scheduler.scheduled-time>) is optional.
const TickInput = z.looseObject({ time: z.iso.datetime({ offset: true }).optional() }).catch({});

/** Hourly: one plan-shard message per scan segment. */
export const handler = middy(async (event: unknown) => {
  const input = TickInput.parse(event ?? {});
  const at = input.time ? Date.parse(input.time) : Date.now();
  const planQueue = new SqsMessageQueue<PlanShardMessage>(sqsClient(), requireEnv(ENV.planQueueUrl));
  const messages = await tick({ at, shards: numberEnv(ENV.planShards, 4) }, { planQueue });
  logger.info('tick fanned out', { shards: messages.length, tickAt: messages[0]?.tickAt });
  return { shards: messages.length };
}).use(injectLambdaContext(logger));
