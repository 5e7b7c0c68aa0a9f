import { encodeTagValue, TAG } from '../../functions/core/sending/email-tags.ts';
import { DAY_MS } from '../../functions/core/shared/duration.ts';
import { UsageEvent } from '../../functions/core/tracking/usage-events.ts';
import type { Random } from './random.ts';
import { DAILY_LOGIN, type DemoContact, type Persona } from './seed-data.ts';

const MIN = 60_000;
const HOUR = 3_600_000;

/** One email the simulated recipient received, as the send pipeline recorded it. */
export interface DeliveredMail {
  sendId: string;
  messageId: string;
  campaignId: string;
  stepId: string;
  variantId: string;
  topic: string;
  from: string;
  subject: string;
  sentAt: number;
  recipient: DemoContact;
}

/** Something a simulated person (or their mail provider) does later, fed back through the real code paths. */
export type SimEvent =
  | { at: number; kind: 'ses'; record: SesEventRecord }
  | { at: number; kind: 'usage'; event: UsageEvent }
  | { at: number; kind: 'unsubscribe'; contactId: string; topic: string };

/** An SES event-publishing record in its EventBridge envelope. */
export interface SesEventRecord {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.ses';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** Chances that drive reactions to email, by persona. */
const REACT: Record<
  Persona,
  { open: number; click: number; loginAfterClick: number; loginAfterOpen: number }
> = {
  power: { open: 0.55, click: 0.35, loginAfterClick: 0.9, loginAfterOpen: 0.3 },
  steady: { open: 0.45, click: 0.3, loginAfterClick: 0.85, loginAfterOpen: 0.25 },
  'at-risk': { open: 0.25, click: 0.2, loginAfterClick: 0.75, loginAfterOpen: 0.2 },
  new: { open: 0.6, click: 0.4, loginAfterClick: 0.9, loginAfterOpen: 0.35 },
};

/** Share of delivered mail reported as spam: well-run senders see a few in 10,000, under SES's 0.1% review level. */
export const COMPLAINT_RATE = 0.0003;

const BROWSER_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
// Privacy proxies fetch images with a bare agent string, seconds after delivery.
const PROXY_UA = 'Mozilla/5.0';

const iso = (ms: number) => new Date(ms).toISOString();

/** Builds one SES event record; ids come from the simulation's own random stream so runs repeat exactly. */
export function sesRecord(
  rng: Random,
  mail: DeliveredMail,
  eventType: string,
  detailType: string,
  at: number,
  payload: Record<string, unknown>,
): SesEventRecord {
  const email = mail.recipient.contact.email;
  const id = `${rng.int(0, 0xffffffff).toString(16).padStart(8, '0')}-sim-${mail.sendId.length}-${rng.int(0, 0xffffff).toString(16)}`;
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: 'aws.ses',
    account: '000000000000',
    time: iso(Math.floor(at / 1000) * 1000).replace('.000Z', 'Z'),
    region: 'ap-northeast-1',
    resources: [],
    detail: {
      eventType,
      mail: {
        timestamp: iso(mail.sentAt),
        source: mail.from,
        sendingAccountId: '000000000000',
        messageId: mail.messageId,
        destination: [email],
        headersTruncated: false,
        commonHeaders: { from: [mail.from], to: [email], messageId: mail.messageId, subject: mail.subject },
        tags: {
          'ses:configuration-set': ['lowtouch-local'],
          [TAG.campaign]: [encodeTagValue(mail.campaignId)],
          [TAG.step]: [encodeTagValue(mail.stepId)],
          [TAG.variant]: [encodeTagValue(mail.variantId)],
          [TAG.sendId]: [encodeTagValue(mail.sendId)],
        },
      },
      ...payload,
    },
  };
}

type UsageBody = UsageEvent extends infer E
  ? E extends UsageEvent
    ? Omit<E, 'eventId' | 'contactId' | 'accountId' | 'at'>
    : never
  : never;

function usage(rng: Random, contact: DemoContact, at: number, body: UsageBody): SimEvent {
  const event = UsageEvent.parse({
    ...body,
    eventId: `sim-${contact.contact.id}-${at}-${rng.int(0, 1e9)}`,
    contactId: contact.contact.id,
    accountId: contact.contact.accountId,
    at: iso(at),
  });
  return { at, kind: 'usage', event };
}

/** What one recipient does after an email arrives: delivery or bounce, opens, clicks, logins, rare complaints. */
export function reactTo(rng: Random, mail: DeliveredMail): SimEvent[] {
  const who = mail.recipient;
  const out: SimEvent[] = [];
  const ses = (eventType: string, detailType: string, at: number, payload: Record<string, unknown>) =>
    out.push({ at, kind: 'ses', record: sesRecord(rng, mail, eventType, detailType, at, payload) });
  if (who.bounces) {
    const at = mail.sentAt + 5_000;
    ses('Bounce', 'Email Bounced', at, {
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [
          {
            emailAddress: who.contact.email,
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
        ],
        timestamp: iso(at),
        feedbackId: `fb-${mail.messageId}`,
        reportingMTA: 'dsn; mta.example',
      },
    });
    return out;
  }
  const delivered = mail.sentAt + rng.int(1, 8) * 1000;
  ses('Delivery', 'Email Delivered', delivered, {
    delivery: {
      timestamp: iso(delivered),
      processingTimeMillis: delivered - mail.sentAt,
      recipients: [who.contact.email],
      smtpResponse: '250 2.0.0 OK',
    },
  });
  if (rng.chance(COMPLAINT_RATE)) {
    const at = delivered + rng.int(10, 300) * MIN;
    ses('Complaint', 'Email Complaint Received', at, {
      complaint: {
        complainedRecipients: [{ emailAddress: who.contact.email }],
        timestamp: iso(at),
        feedbackId: `cf-${mail.messageId}`,
        complaintFeedbackType: 'abuse',
      },
    });
    return out;
  }
  if (who.machineOpener) {
    const at = delivered + rng.int(5, 240) * 1000;
    ses('Open', 'Email Opened', at, {
      open: { timestamp: iso(at), userAgent: PROXY_UA, ipAddress: '17.58.0.1' },
    });
  }
  const odds = REACT[who.persona];
  if (!rng.chance(odds.open)) return out;
  const opened = delivered + Math.round(rng.next() ** 2 * 30 * HOUR) + 5 * MIN;
  ses('Open', 'Email Opened', opened, {
    open: { timestamp: iso(opened), userAgent: BROWSER_UA, ipAddress: '198.51.100.7' },
  });
  if (rng.chance(0.01)) {
    out.push({ at: opened + 2 * MIN, kind: 'unsubscribe', contactId: who.contact.id, topic: mail.topic });
    return out;
  }
  if (!rng.chance(odds.click)) {
    if (rng.chance(odds.loginAfterOpen))
      out.push(usage(rng, who, opened + rng.int(5, 600) * MIN, { type: 'login' }));
    return out;
  }
  const clicked = opened + rng.int(1, 10) * MIN;
  ses('Click', 'Email Clicked', clicked, {
    click: {
      timestamp: iso(clicked),
      link: `https://app.tsumiki.example/?utm_campaign=${mail.campaignId}`,
      linkTags: {},
      userAgent: BROWSER_UA,
      ipAddress: '198.51.100.7',
    },
  });
  if (!rng.chance(odds.loginAfterClick)) return out;
  const login = clicked + rng.int(1, 20) * MIN;
  out.push(usage(rng, who, login, { type: 'login' }));
  out.push(
    usage(rng, who, login + 5 * MIN, {
      type: 'feature.used',
      feature: rng.pick(['projects', 'tasks', 'reports', 'automations']),
      count: 1,
    }),
  );
  if (mail.campaignId === 'onboarding' && rng.chance(0.5))
    out.push(
      usage(rng, who, login + 30 * MIN, {
        type: 'milestone.reached',
        milestone: rng.chance(0.7) ? 'firstProjectCreated' : 'teammateInvited',
      }),
    );
  return out;
}

/** A day of product use nobody asked for: logins, features, help visits, the odd milestone and NPS answer. */
export function organicDay(rng: Random, who: DemoContact, dayStart: number, lifted: boolean): SimEvent[] {
  const signedUp = Date.parse(who.contact.signedUpAt);
  if (dayStart + DAY_MS <= signedUp) return [];
  const out: SimEvent[] = [];
  const base = DAILY_LOGIN[who.persona];
  if (!rng.chance(Math.min(0.95, lifted ? base * 1.6 + 0.05 : base))) return out;
  const at = Math.max(signedUp, dayStart + rng.int(0, 23) * HOUR + rng.int(0, 59) * MIN);
  out.push(usage(rng, who, at, { type: 'login' }));
  if (rng.chance(0.6))
    out.push(
      usage(rng, who, at + 3 * MIN, {
        type: 'feature.used',
        feature: rng.pick(['projects', 'tasks', 'reports', 'dashboards', 'integrations']),
        count: rng.int(1, 4),
      }),
    );
  if (who.persona === 'at-risk' && rng.chance(0.3))
    out.push(usage(rng, who, at + 8 * MIN, { type: 'help.visited' }));
  if (who.persona === 'new' && !who.contact.usage.milestones.firstProjectCreated && rng.chance(0.12))
    out.push(usage(rng, who, at + 20 * MIN, { type: 'milestone.reached', milestone: 'firstProjectCreated' }));
  if (rng.chance(0.01)) {
    const score =
      who.persona === 'power' ? rng.int(8, 10) : who.persona === 'at-risk' ? rng.int(0, 7) : rng.int(5, 10);
    out.push(usage(rng, who, at + 10 * MIN, { type: 'nps.responded', score }));
  }
  return out;
}
