import {
  MemoryAccounts,
  MemoryContacts,
  MemoryEventLog,
  MemorySends,
  MemoryState,
  MemorySuppressions,
} from '../../../functions/adapters/memory-store.ts';
import { SILENT_LOG } from '../../../functions/adapters/powertools-log.ts';
import type {
  BusEvent,
  EmailSender,
  MessageQueue,
  OutgoingEmail,
  OutgoingMessage,
  SendResult,
  StepRenderer,
} from '../../../functions/app/ports.ts';
import type { SendMessage, SendStepDeps } from '../../../functions/app/send-step.ts';
import type { SendRecord } from '../../../functions/core/sending/send.ts';
import { Account, Contact } from '../../../functions/core/shared/domain.ts';

export const T0 = Date.parse('2026-11-24T02:00:00Z'); // a Tuesday, 11:00 in Tokyo

export class ManualClock {
  constructor(public time = T0) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export function account(id: string, extra: Partial<Account> = {}): Account {
  return Account.parse({
    id,
    name: `Account ${id}`,
    plan: 'team',
    status: 'active',
    currency: 'JPY',
    arr: 1_200_000,
    mrr: 100_000,
    startedAt: '2026-01-01T00:00:00Z',
    tier: 'low',
    ...extra,
  });
}

export function contact(id: string, accountId: string, extra: Partial<Contact> = {}): Contact {
  return Contact.parse({
    id,
    accountId,
    email: `${id}@example.com`,
    name: `Person ${id}`,
    locale: 'en',
    timeZone: 'Asia/Tokyo',
    signedUpAt: new Date(T0 - 86_400_000).toISOString(),
    ...extra,
  });
}

export function claimedSend(sendId: string, contactId: string, extra: Partial<SendRecord> = {}): SendRecord {
  const at = new Date(T0).toISOString();
  const [campaignId = 'onboarding', stepId = 'welcome'] = sendId.split('#');
  return {
    sendId,
    campaignId,
    stepId,
    variantId: 'default',
    contactId,
    accountId: 'a1',
    channel: 'email',
    template: 'onboarding/welcome',
    topic: 'onboarding-tips',
    bypassCap: false,
    status: 'claimed',
    claimedAt: at,
    updatedAt: at,
    ...extra,
  };
}

export class CollectingQueue<T> implements MessageQueue<T> {
  readonly sent: OutgoingMessage<T>[] = [];
  async send(messages: OutgoingMessage<T>[]): Promise<void> {
    this.sent.push(...messages);
  }
}

export class FakeSender implements EmailSender {
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

export const okRenderer: StepRenderer = {
  render: async ({ send, contact: to }) => ({
    ok: true,
    locale: to.locale,
    email: {
      subject: `Hello ${to.name}`,
      html: `<p>${send.stepId}</p>`,
      text: send.stepId,
      headers: [{ name: 'List-Unsubscribe', value: '<https://u.example/x>' }],
    },
  }),
};

/** A full set of in-memory deps for send-step, with one account a1 and contact c1. */
export async function sendWorld() {
  const clock = new ManualClock();
  const contacts = new MemoryContacts();
  const accounts = new MemoryAccounts();
  const sends = new MemorySends();
  const state = new MemoryState();
  const suppressions = new MemorySuppressions();
  const events = new MemoryEventLog();
  const queue = new CollectingQueue<SendMessage>();
  const sender = new FakeSender();
  const published: BusEvent[] = [];
  await accounts.put(account('a1', { csmId: 'csm-1' }));
  await contacts.put(contact('c1', 'a1'));
  const deps: SendStepDeps = {
    clock,
    sends,
    contacts,
    accounts,
    suppressions,
    breaker: state,
    renderer: okRenderer,
    sender,
    queue,
    publisher: { publish: async (batch) => void published.push(...batch) },
    counters: state,
    reputation: state.reputation(),
    limiter: { take: async () => {}, penalize: () => {} },
    log: SILENT_LOG,
    policy: {
      frequencyCap: { max: 2, perMs: 7 * 86_400_000 },
      maxClaimAgeMs: 7 * 86_400_000,
      backoff: { baseSeconds: 2, maxSeconds: 900 },
    },
    random: () => 0.5,
  };
  return { clock, contacts, accounts, sends, state, suppressions, events, queue, sender, published, deps };
}
