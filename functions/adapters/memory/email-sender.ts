import type { EmailSender, OutgoingEmail, SendResult } from '../../app/ports.ts';

/** EmailSender that keeps every email; `next` decides the answer (ok by default). */
export class InMemoryEmailSender implements EmailSender {
  readonly emails: OutgoingEmail[] = [];
  next: (email: OutgoingEmail) => Promise<SendResult> = async () => ({
    ok: true,
    messageId: `msg-${this.emails.length}`,
  });
  async send(email: OutgoingEmail): Promise<SendResult> {
    this.emails.push(email);
    return this.next(email);
  }
}
