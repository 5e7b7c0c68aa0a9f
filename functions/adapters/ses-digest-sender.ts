import type { DigestSender } from '../app/ctas.ts';
import type { Clock, EmailSender } from '../app/ports.ts';
import { ctaDueAt, ctaReasonText, ctaTypeName } from '../core/accounts/cta-lifecycle.ts';
import type { CsmDigest } from '../core/accounts/ctas.ts';
import type { TemplateCatalog } from '../core/templates/catalog.ts';
import { localizeBrand } from '../core/templates/context.ts';
import { renderCsmDigest } from '../core/templates/render.ts';
import type { BrandSpec } from '../core/templates/types.ts';

/** A digest could not be delivered; the nightly job counts it and goes on. */
export class DigestSendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DigestSendError';
  }
}

/** Who the CSMs are (policy.yaml `csms`) and how to sign a CTA's acknowledge/close links. */
export interface DigestPeople {
  csms: Readonly<Record<string, { name: string; email: string; locale: 'en' | 'ja' }>>;
  ctaLinks?: (ctaKey: string) => { acknowledge: string; close: string };
}

const NO_NAME = { en: 'team', ja: 'ご担当者' } as const;

/** Sends each CSM's daily CTA digest through SES, rendered with the `csm/digest` template. */
export class SesDigestSender implements DigestSender {
  constructor(
    private readonly sender: EmailSender,
    private readonly catalog: TemplateCatalog,
    private readonly brand: BrandSpec,
    private readonly clock: Clock,
    /** where digests of accounts without a CSM go; skipped when absent */
    private readonly csLeadAddress?: string,
    private readonly people: DigestPeople = { csms: {} },
  ) {}

  async send(digest: CsmDigest, day: string): Promise<void> {
    const person = digest.csmId ? this.people.csms[digest.csmId] : undefined;
    const to = person?.email ?? digest.csmEmail ?? this.csLeadAddress;
    if (!to || digest.items.length === 0) return;
    const language = person?.locale ?? 'en';
    const template = this.catalog.resolve('csm/digest', language, 'en');
    const email = renderCsmDigest(
      template,
      {
        csm: { name: person?.name ?? NO_NAME[language], email: to, locale: language },
        ctas: digest.items.map((item) => {
          const links = this.people.ctaLinks?.(item.cta.key);
          return {
            accountId: item.cta.accountId,
            accountName: item.accountName,
            type: item.cta.type,
            typeName: ctaTypeName(item.cta.type, language),
            reason: ctaReasonText(item.cta, language),
            dueAt: ctaDueAt(item.cta),
            ...(links ? { acknowledgeUrl: links.acknowledge, closeUrl: links.close } : {}),
          };
        }),
        brand: localizeBrand(this.brand, template.locale),
      },
      { now: this.clock.now() },
    );
    const result = await this.sender.send({
      to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      headers: email.headers,
      ...(email.fromName ? { fromName: email.fromName } : {}),
      tags: {
        campaignId: 'csm-digest',
        stepId: day,
        variantId: 'default',
        sendId: `csm-digest#${day}#${digest.csmId ?? 'unowned'}`,
      },
    });
    if (!result.ok) throw new DigestSendError(`SES refused the CSM digest for ${day}: ${result.reason}`);
  }
}
