import { lambdaDeps } from '../adapters/lambda-deps.ts';
import { lambdaFunction } from '../adapters/lambda-root.ts';
import { planShard } from '../app/plan-shard.ts';
import { PlanShardMessage } from '../app/tick.ts';

const fn = lambdaFunction('plan-shard');
const deps = lambdaDeps(fn);

/** Plans one scan segment per message; failed segments are redelivered (claims make that safe). */
export const handler = fn.wrap(
  fn.sqs('plan-queue', PlanShardMessage, async (message) => planShard(message, await deps.planShard()), {
    concurrency: 1,
  }),
);
