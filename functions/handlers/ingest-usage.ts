import { lambdaDeps } from '../adapters/lambda-deps.ts';
import { lambdaFunction } from '../adapters/lambda-root.ts';
import { ingestUsage } from '../app/ingest-usage.ts';
import { UsageEventEnvelope } from '../core/tracking/usage-events.ts';

const fn = lambdaFunction('ingest-usage');
const deps = lambdaDeps(fn);

/** Product usage events (custom bus → SQS) into daily rows and contact rollups, once per event id. */
export const handler = fn.wrap(
  fn.sqs('usage-events', UsageEventEnvelope, async (usage) => ingestUsage(usage, await deps.ingest())),
);
