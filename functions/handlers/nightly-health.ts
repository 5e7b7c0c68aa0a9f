import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { DynamoCtaStore, DynamoKpiSource } from '../adapters/dynamo-kpi-source.ts';
import { ENV } from '../adapters/env-keys.ts';
import { requireEnv, runtimeProgram, sesClient } from '../adapters/lambda-runtime.ts';
import { createLogger } from '../adapters/powertools-log.ts';
import { repositories } from '../adapters/runtime-wiring.ts';
import { SesDigestSender } from '../adapters/ses-digest-sender.ts';
import { SesEmailSender } from '../adapters/ses-sender.ts';
import { healthModelOf, runNightlyHealth } from '../app/nightly-health.ts';
import { lambdaWiring } from './lambda-wiring.ts';

const logger = createLogger('nightly-health');

/** Nightly: usage rollups rolled forward, then health scores, tiers, CTAs and the CSM digests. */
export const handler = middy(async () => {
  const wiring = lambdaWiring(logger);
  const { program, catalog } = await runtimeProgram();
  const sender = new SesEmailSender(sesClient(), {
    fromAddress: requireEnv(ENV.fromAddress),
    ...(process.env[ENV.fromName] ? { fromName: process.env[ENV.fromName] } : {}),
    ...(process.env[ENV.configurationSet] ? { configurationSet: process.env[ENV.configurationSet] } : {}),
    ...(process.env[ENV.identityArn] ? { identityArn: process.env[ENV.identityArn] } : {}),
  });
  const repos = repositories(wiring);
  const result = await runNightlyHealth(
    {},
    {
      accounts: repos.accounts,
      // Usage windows roll forward for contacts without new events before health is scored.
      rollups: { contacts: repos.contacts, usage: repos.usage },
      inputs: new DynamoKpiSource(wiring.db, wiring.tables),
      model: healthModelOf(program),
      ctas: new DynamoCtaStore(wiring.db, wiring.tables.state),
      events: wiring.publisher,
      digest: new SesDigestSender(sender, catalog, program.policy.spec.brand, wiring.clock),
      clock: wiring.clock,
      log: wiring.log,
    },
  );
  logger.info('nightly health done', { ...result });
  return result;
}).use(injectLambdaContext(logger));
