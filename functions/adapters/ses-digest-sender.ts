import type { DigestSender } from '../app/ctas.ts';
import type { Clock, EmailSender } from '../app/ports.ts';
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

/** Sends each CSM's daily CTA digest through SES, rendered with the `csm/digest` template. */
export class SesDigestSender implements DigestSender {
  constructor(
    private readonly sender: EmailSender,
    private readonly catalog: TemplateCatalog,
    private readonly brand: BrandSpec,
    private readonly clock: Clock,
    /** where digests of accounts without a CSM go; skipped when absent */
    private readonly csLeadAddress?: string,
  ) {}

  async send(digest: CsmDigest, day: string): Promise<void> {
    const to = digest.csmEmail ?? this.csLeadAddress;
    if (!to || digest.items.length === 0) return;
    const template = this.catalog.resolve('csm/digest', 'en');
    const email = renderCsmDigest(
      template,
      {
        csm: { name: digest.csmId ?? 'CS team', email: to },
        ctas: digest.items.map((item) => ({
          accountId: item.cta.accountId,
          accountName: item.accountName,
          type: item.cta.type,
          reason: item.cta.reason,
          dueAt: item.renewalAt ?? item.cta.raisedAt,
        })),
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
