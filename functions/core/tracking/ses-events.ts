import { z } from 'zod';

// SES event-publishing records as they reach an EventBridge rule on the default bus. Objects are
// loose (not strict) on purpose: SES adds fields over time and the tracker must keep working.

const Timestamp = z.iso.datetime({ offset: true });

const Header = z.object({ name: z.string(), value: z.string() });

/** The `mail` object every SES event carries. */
export const SesMail = z.object({
  timestamp: Timestamp,
  messageId: z.string().min(1),
  source: z.string(),
  sourceArn: z.string().optional(),
  sendingAccountId: z.string().optional(),
  destination: z.array(z.string()),
  headersTruncated: z.boolean().optional(),
  headers: z.array(Header).optional(),
  commonHeaders: z.record(z.string(), z.unknown()).optional(),
  tags: z.record(z.string(), z.array(z.string())).default({}),
});
export type SesMail = z.infer<typeof SesMail>;

const Recipient = z.object({ emailAddress: z.string() });

const TopicStatus = z.object({
  topicName: z.string(),
  subscriptionStatus: z.enum(['OptIn', 'OptOut']),
});

const TopicPreferences = z.object({
  unsubscribeAll: z.boolean().default(false),
  topicSubscriptionStatus: z.array(TopicStatus).default([]),
});

/** The `detail` of an SES event, one shape per `eventType`. */
export const SesEventDetail = z.discriminatedUnion('eventType', [
  z.object({ eventType: z.literal('Send'), mail: SesMail, send: z.object({}).loose().default({}) }),
  z.object({
    eventType: z.literal('Delivery'),
    mail: SesMail,
    delivery: z.object({
      timestamp: Timestamp,
      processingTimeMillis: z.number().optional(),
      recipients: z.array(z.string()).default([]),
      smtpResponse: z.string().optional(),
      reportingMTA: z.string().optional(),
    }),
  }),
  z.object({
    eventType: z.literal('Open'),
    mail: SesMail,
    open: z.object({
      timestamp: Timestamp,
      userAgent: z.string().optional(),
      ipAddress: z.string().optional(),
    }),
  }),
  z.object({
    eventType: z.literal('Click'),
    mail: SesMail,
    click: z.object({
      timestamp: Timestamp,
      link: z.string(),
      linkTags: z.record(z.string(), z.array(z.string())).optional(),
      userAgent: z.string().optional(),
      ipAddress: z.string().optional(),
    }),
  }),
  z.object({
    eventType: z.literal('Bounce'),
    mail: SesMail,
    bounce: z.object({
      bounceType: z.enum(['Undetermined', 'Permanent', 'Transient']),
      bounceSubType: z.string(),
      bouncedRecipients: z.array(
        Recipient.extend({
          action: z.string().optional(),
          status: z.string().optional(),
          diagnosticCode: z.string().optional(),
        }),
      ),
      timestamp: Timestamp,
      feedbackId: z.string(),
      reportingMTA: z.string().optional(),
    }),
  }),
  z.object({
    eventType: z.literal('Complaint'),
    mail: SesMail,
    complaint: z.object({
      complainedRecipients: z.array(Recipient),
      timestamp: Timestamp,
      feedbackId: z.string(),
      complaintSubType: z.string().nullable().optional(),
      complaintFeedbackType: z.string().optional(),
      userAgent: z.string().optional(),
      arrivalDate: z.string().optional(),
    }),
  }),
  z.object({ eventType: z.literal('Reject'), mail: SesMail, reject: z.object({ reason: z.string() }) }),
  z.object({
    eventType: z.literal('Rendering Failure'),
    mail: SesMail,
    failure: z.object({ errorMessage: z.string(), templateName: z.string().optional() }),
  }),
  z.object({
    eventType: z.literal('DeliveryDelay'),
    mail: SesMail,
    deliveryDelay: z.object({
      timestamp: Timestamp,
      delayType: z.string(),
      expirationTime: z.string().optional(),
      delayedRecipients: z.array(Recipient.loose()).default([]),
    }),
  }),
  z.object({
    eventType: z.literal('Subscription'),
    mail: SesMail,
    subscription: z.object({
      contactList: z.string().optional(),
      timestamp: Timestamp,
      source: z.string().optional(),
      newTopicPreferences: TopicPreferences,
      oldTopicPreferences: TopicPreferences.optional(),
    }),
  }),
]);
export type SesEventDetail = z.infer<typeof SesEventDetail>;
export type SesEventType = SesEventDetail['eventType'];

/** All ten SES event types, in the spelling of `detail.eventType`. */
export const SES_EVENT_TYPES: readonly SesEventType[] = [
  'Send',
  'Delivery',
  'Open',
  'Click',
  'Bounce',
  'Complaint',
  'Reject',
  'Rendering Failure',
  'DeliveryDelay',
  'Subscription',
];

/** An SES event inside its EventBridge envelope. */
export const SesEventBridgeEvent = z.object({
  version: z.string(),
  id: z.string().min(1),
  'detail-type': z.string(),
  source: z.literal('aws.ses'),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()).default([]),
  detail: SesEventDetail,
});
export type SesEventBridgeEvent = z.infer<typeof SesEventBridgeEvent>;

/** When the event itself happened: the record's own timestamp, or `mail.timestamp` for types without one. */
export function sesEventTime(detail: SesEventDetail): string {
  switch (detail.eventType) {
    case 'Delivery':
      return detail.delivery.timestamp;
    case 'Open':
      return detail.open.timestamp;
    case 'Click':
      return detail.click.timestamp;
    case 'Bounce':
      return detail.bounce.timestamp;
    case 'Complaint':
      return detail.complaint.timestamp;
    case 'DeliveryDelay':
      return detail.deliveryDelay.timestamp;
    case 'Subscription':
      return detail.subscription.timestamp;
    default:
      return detail.mail.timestamp;
  }
}

/** The first value of a tag on the mail, if present. */
export function mailTag(mail: SesMail, name: string): string | undefined {
  return mail.tags[name]?.[0];
}

const MACHINE_AGENTS = [/^$/, /^Mozilla\/5\.0$/];

/**
 * True when an open looks automated rather than human: no user agent, or the bare `Mozilla/5.0` that
 * privacy proxies such as Apple Mail Privacy Protection are reported to send.
 */
export function isMachineOpen(userAgent: string | undefined): boolean {
  const agent = (userAgent ?? '').trim();
  return MACHINE_AGENTS.some((pattern) => pattern.test(agent));
}
