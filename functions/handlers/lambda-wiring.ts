import type { Logger } from '@aws-lambda-powertools/logger';
import { ENV } from '../adapters/env-keys.ts';
import { EventBridgePublisher } from '../adapters/event-publisher.ts';
import {
  breakerThresholds,
  documentClient,
  eventBridgeClient,
  requireEnv,
  sqsClient,
  systemClock,
  tableNames,
} from '../adapters/lambda-runtime.ts';
import { powertoolsLog } from '../adapters/powertools-log.ts';
import type { Wiring } from '../adapters/runtime-wiring.ts';
import { SqsMessageQueue } from '../adapters/sqs-queue.ts';
import type { SendMessage } from '../app/send-step.ts';

/** The deployed wiring: DynamoDB tables, the send queue and the custom bus, read from the environment. */
export function lambdaWiring(logger: Logger): Wiring {
  const sendQueueUrl = process.env[ENV.sendQueueUrl];
  const busName = process.env[ENV.usageBusName];
  return {
    db: documentClient(),
    tables: tableNames(),
    clock: systemClock,
    log: powertoolsLog(logger),
    thresholds: breakerThresholds(),
    // Functions without the queue or bus in their environment never reach these; fail loudly if they do.
    sendQueue: sendQueueUrl
      ? new SqsMessageQueue<SendMessage>(sqsClient(), sendQueueUrl)
      : { send: async () => void requireEnv(ENV.sendQueueUrl) },
    publisher: busName
      ? new EventBridgePublisher(eventBridgeClient(), busName)
      : { publish: async () => void requireEnv(ENV.usageBusName) },
  };
}
