import type { Program } from '../core/campaign/program.ts';
import { signLinkToken } from '../core/sending/signed-link.ts';
import {
  type SigningKey,
  signUnsubscribeToken,
  unsubscribeLinks,
} from '../core/sending/unsubscribe-token.ts';
import type { TemplateCatalog } from '../core/templates/catalog.ts';
import { buildRenderContext } from '../core/templates/context.ts';
import { tryRenderEmail } from '../core/templates/render.ts';
import type { RenderOutcome, StepRenderer } from './ports.ts';

export interface StepRendererConfig {
  program: Program;
  catalog: TemplateCatalog;
  /** the first key signs */
  signingKeys: readonly SigningKey[];
  /** https URL of the unsubscribe function */
  unsubscribeBaseUrl: string;
}

/**
 * Renders a claimed step with the precompiled templates: picks the locale (contact → account →
 * campaign default → en), signs the unsubscribe token and reports a missing variable as a reason.
 */
export function createStepRenderer(config: StepRendererConfig): StepRenderer {
  const campaigns = new Map(config.program.campaigns.map((campaign) => [campaign.id, campaign]));
  const key = config.signingKeys[0];
  return {
    async render({ send, contact, account, now }): Promise<RenderOutcome> {
      const campaign = campaigns.get(send.campaignId);
      if (!campaign) return { ok: false, reason: `campaign ${send.campaignId} is no longer in the program` };
      if (!key) return { ok: false, reason: 'no unsubscribe signing key configured' };
      let template: ReturnType<TemplateCatalog['resolve']>;
      try {
        template = config.catalog.resolve(
          send.template,
          contact.locale,
          account.locale,
          campaign.defaultLocale,
          'en',
        );
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
      const token = signUnsubscribeToken(
        { contactId: contact.id, topic: send.topic, issuedAt: Math.floor(now) },
        key,
      );
      // The send id rides along (unsigned) so the unsubscribe can be credited to the email that carried it.
      const base = new URL(config.unsubscribeBaseUrl);
      base.searchParams.set('s', send.sendId);
      const links = unsubscribeLinks(
        base.href,
        token,
        signLinkToken('preferences', { c: contact.id }, Math.floor(now), key),
      );
      const context = buildRenderContext({
        contact,
        account,
        campaign: { id: campaign.id, name: campaign.name, kind: campaign.kind, topic: campaign.topic },
        stepId: send.stepId,
        variantId: send.variantId,
        ...(send.segment ? { segment: send.segment } : {}),
        ...(campaign.spec.release ? { release: campaign.spec.release.features } : {}),
        brand: config.program.policy.spec.brand,
        links,
        locale: template.locale,
        fallbackTimeZone: config.program.policy.fallbackTimeZone,
      });
      const outcome = tryRenderEmail(template, context, {
        utm: { campaign: campaign.id, content: `${send.stepId}-${send.variantId}` },
        now,
      });
      if (!outcome.ok) return { ok: false, reason: outcome.error.message };
      const { subject, html, text, headers, fromName, locale } = outcome.email;
      return { ok: true, email: { subject, html, text, headers, ...(fromName ? { fromName } : {}) }, locale };
    },
  };
}
