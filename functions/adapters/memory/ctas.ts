import type { CtaStore, DigestSender } from '../../app/ctas.ts';
import { type CtaRecord, newCtaRecord } from '../../core/accounts/cta-lifecycle.ts';
import type { CsmDigest, Cta } from '../../core/accounts/ctas.ts';

/** CtaStore in memory, for tests and the local runtime. */
export class InMemoryCtaStore implements CtaStore {
  readonly stored = new Map<string, CtaRecord>();

  async raiseIfNew(cta: Cta): Promise<boolean> {
    if (this.stored.has(cta.key)) return false;
    this.stored.set(cta.key, newCtaRecord(cta));
    return true;
  }

  async get(key: string): Promise<CtaRecord | undefined> {
    const record = this.stored.get(key);
    return record ? structuredClone(record) : undefined;
  }

  async listAll(): Promise<CtaRecord[]> {
    return [...this.stored.values()].map((record) => structuredClone(record));
  }

  async save(record: CtaRecord, expectedVersion: number): Promise<boolean> {
    const current = this.stored.get(record.key);
    if (!current || current.version !== expectedVersion) return false;
    this.stored.set(record.key, structuredClone(record));
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
