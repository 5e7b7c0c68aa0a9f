import { ctaActionLinks } from '../app/cta-pages.ts';
import { campaignInfoOf, type ExportKpisDeps } from '../app/export-kpis.ts';
import type { IngestDeps } from '../app/ingest-usage.ts';
import { healthModelOf, type NightlyHealthDeps } from '../app/nightly-health.ts';
import type { PlanShardDeps } from '../app/plan-shard.ts';
import type { TrackerDeps } from '../app/record-email-event.ts';
import type { SendStepDeps } from '../app/send-step.ts';
import { createStepRenderer } from '../app/step-renderer.ts';
import type { CampaignInfo } from '../core/kpi/inputs.ts';
import { DynamoCtaStore, DynamoKpiSource } from './dynamo-kpi-source.ts';
import { ENV } from './env-keys.ts';
import { S3ExportSink } from './export-sink-s3.ts';
import {
  clients,
  type LambdaFunction,
  lambdaEnv,
  onceAsync,
  requireSetting,
  runtimeProgram,
  sesSender,
  signingKeys,
} from './lambda-root.ts';
import {
  ingestDeps,
  planShardDeps,
  repositories,
  sendPolicyOf,
  sendStepDeps,
  trackerDeps,
} from './runtime-wiring.ts';
import { SesDigestSender } from './ses-digest-sender.ts';

/** Signs the digest's acknowledge/close links with the first key under the configured link base URL. */
async function ctaLinkSigner(clock: { now(): number }) {
  const [key] = await signingKeys();
  const base = lambdaEnv()[ENV.unsubscribeBaseUrl];
  if (!key || !base) return undefined;
  return (ctaKey: string) => ctaActionLinks(base, key, ctaKey, clock.now());
}

import { TokenBucket } from './token-bucket.ts';

/** Each use case's dependencies for one function, built on first use and kept for the next invocations. */
export function lambdaDeps(fn: LambdaFunction) {
  return {
    planShard: onceAsync(
      async (): Promise<PlanShardDeps> => planShardDeps(fn.wiring(), (await runtimeProgram()).program),
    ),
    sendStep: onceAsync(async (): Promise<SendStepDeps> => {
      const [{ program, catalog }, keys] = await Promise.all([runtimeProgram(), signingKeys()]);
      const env = lambdaEnv();
      // The limiter keeps this worker to its share of the account's MaxSendRate.
      const rate = env[ENV.maxSendRate] / env[ENV.senderConcurrency];
      return sendStepDeps(fn.wiring(), {
        renderer: createStepRenderer({
          program,
          catalog,
          signingKeys: keys,
          unsubscribeBaseUrl: requireSetting(ENV.unsubscribeBaseUrl),
        }),
        sender: sesSender(),
        policy: sendPolicyOf(program),
        limiter: new TokenBucket({ ratePerSecond: rate }),
      });
    }),
    tracker: onceAsync(async (): Promise<TrackerDeps> => trackerDeps(fn.wiring())),
    ingest: onceAsync(async (): Promise<IngestDeps> => ingestDeps(fn.wiring())),
    nightlyHealth: onceAsync(async (): Promise<NightlyHealthDeps> => {
      const wiring = fn.wiring();
      const { program, catalog } = await runtimeProgram();
      const repos = repositories(wiring);
      return {
        accounts: repos.accounts,
        // Usage windows roll forward for contacts without new events before health is scored.
        rollups: { contacts: repos.contacts, usage: repos.usage },
        inputs: new DynamoKpiSource(wiring.db, wiring.tables),
        model: healthModelOf(program),
        ctas: new DynamoCtaStore(wiring.db, wiring.tables.ctas),
        events: wiring.publisher,
        digest: new SesDigestSender(
          sesSender(),
          catalog,
          program.policy.spec.brand,
          wiring.clock,
          undefined,
          {
            csms: program.policy.spec.csms,
            ctaLinks: await ctaLinkSigner(wiring.clock),
          },
        ),
        clock: wiring.clock,
        log: wiring.log,
      };
    }),
    exportKpis: onceAsync(async (): Promise<ExportKpisDeps & { campaigns: CampaignInfo[] }> => {
      const wiring = fn.wiring();
      return {
        campaigns: campaignInfoOf((await runtimeProgram()).program),
        source: new DynamoKpiSource(wiring.db, wiring.tables),
        sink: new S3ExportSink(clients().s3, requireSetting(ENV.exportBucket)),
        clock: wiring.clock,
      };
    }),
  };
}
