import type { CtaStore, DigestSender } from '../../app/ctas.ts';
import type { CsmDigest, Cta } from '../../core/accounts/ctas.ts';

/** CtaStore in memory, for tests and the local runtime. */
export class InMemoryCtaStore implements CtaStore {
  readonly stored = new Map<string, Cta>();

  async raiseIfNew(cta: Cta): Promise<boolean> {
    if (this.stored.has(cta.key)) return false;
    this.stored.set(cta.key, cta);
    return true;
  }
}

/** DigestSender that keeps digests in memory, for tests and the local runtime. */
export class InMemoryDigestSender implements DigestSender {
  readonly sent: { day: string; digest: CsmDigest }[] = [];

  async send(digest: CsmDigest, day: string): Promise<void> {
    this.sent.push({ day, digest });
  }
}
