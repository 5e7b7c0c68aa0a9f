import type { LinkPagesDeps } from '../app/link-pages.ts';
import type { Program } from '../core/campaign/program.ts';
import type { SigningKey } from '../core/sending/unsubscribe-token.ts';
import { DAY_MS } from '../core/shared/duration.ts';
import { DynamoCtaStore } from './dynamo-kpi-source.ts';
import { ingestDeps, repositories, unsubscribeDeps, type Wiring } from './runtime-wiring.ts';

/** How long a preference, survey or CTA link keeps working. */
export const LINK_MAX_AGE_MS = { preferences: 365 * DAY_MS, cta: 90 * DAY_MS, survey: 30 * DAY_MS } as const;

/**
 * Dependencies of the pages behind signed links (unsubscribe, preferences). `linkBaseUrl` is the
 * configured public base of those pages; every URL a page shows is built from it or from policy.yaml.
 */
export function linkPagesDeps(
  wiring: Wiring,
  keys: readonly SigningKey[],
  program: Program,
  linkBaseUrl: string | undefined,
): LinkPagesDeps {
  const repos = repositories(wiring);
  const policy = program.policy.spec;
  return {
    unsubscribe: unsubscribeDeps(wiring, keys, linkBaseUrl),
    preferences: {
      clock: wiring.clock,
      contacts: repos.contacts,
      log: wiring.log,
      keys,
      maxTokenAgeMs: LINK_MAX_AGE_MS.preferences,
      topics: policy.topics,
      linkBaseUrl,
      helpUrl: policy.brand.helpUrl,
      fallbackTimeZone: policy.fallbackTimeZone,
    },
    cta: {
      clock: wiring.clock,
      ctas: new DynamoCtaStore(wiring.db, wiring.tables.ctas),
      accounts: repos.accounts,
      log: wiring.log,
      keys,
      maxTokenAgeMs: LINK_MAX_AGE_MS.cta,
      linkBaseUrl,
      csmLocales: Object.fromEntries(Object.entries(policy.csms).map(([id, csm]) => [id, csm.locale])),
      fallbackTimeZone: policy.fallbackTimeZone,
    },
    survey: { ingest: ingestDeps(wiring), keys, maxTokenAgeMs: LINK_MAX_AGE_MS.survey, linkBaseUrl },
  };
}
