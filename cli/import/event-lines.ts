import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { parseGuardedJson } from '../../functions/core/shared/input-guards.ts';
import {
  SesEventBridgeEvent,
  SesEventDetail,
  type SesEventType,
  sesEventTime,
} from '../../functions/core/tracking/ses-events.ts';
import { futureProblem } from '../../functions/core/tracking/usage-validation.ts';

/** One line of a replay file: an SES event ready for the tracker, or why the line cannot be used. */
export type EventLine =
  | { ok: true; line: number; event: SesEventBridgeEvent; wrapped: boolean }
  | { ok: false; line: number; reason: string; text: string };

/** The EventBridge detail-type SES uses for each event type. */
export const DETAIL_TYPES: Record<SesEventType, string> = {
  Send: 'Email Sent',
  Delivery: 'Email Delivered',
  Open: 'Email Opened',
  Click: 'Email Clicked',
  Bounce: 'Email Bounced',
  Complaint: 'Email Complaint Received',
  Reject: 'Email Rejected',
  'Rendering Failure': 'Email Rendering Failed',
  DeliveryDelay: 'Email Delivery Delayed',
  Subscription: 'Email Subscribed',
};

const MAX_ISSUES = 3;

function issuesText(error: z.ZodError, prefix: string): string {
  const shown = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    return `${path || '(record)'}: ${issue.message}`;
  });
  const more = error.issues.length > MAX_ISSUES ? ` (+${error.issues.length - MAX_ISSUES} more)` : '';
  return `${shown.join('; ')}${more}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Wraps a bare SES event-publishing record (what Firehose or SNS destinations carry) in the
 * EventBridge envelope SES would have sent. The id is a hash of the record, so replaying the same
 * line again is recognised by the tracker as the same event.
 */
export function wrapBareRecord(detail: SesEventDetail, canonical: string): SesEventBridgeEvent {
  const id = `replay-${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
  const region = /^arn:aws[\w-]*:ses:([a-z0-9-]+):/.exec(detail.mail.sourceArn ?? '')?.[1] ?? 'unknown';
  return {
    version: '0',
    id,
    'detail-type': DETAIL_TYPES[detail.eventType],
    source: 'aws.ses',
    account: detail.mail.sendingAccountId ?? '000000000000',
    time: `${new Date(Date.parse(sesEventTime(detail))).toISOString().slice(0, 19)}Z`,
    region,
    resources: [],
    detail,
  };
}

/**
 * Reads one line: an EventBridge envelope (as archived from the events queue or its DLQ), an SQS
 * message holding one in `Body`/`body`, or a bare SES record with `eventType` and `mail`.
 */
export function readEventLine(text: string, line: number, now?: number): EventLine {
  const fail = (reason: string): EventLine => ({ ok: false, line, reason, text });
  // Size, encoding and depth are checked on the text first: a 10,000-level line parses, but zod's walk
  // over it would overflow the stack and take the whole replay down.
  const read = parseGuardedJson(text);
  if (!read.ok) return fail(`${read.reason}; each line must be one JSON object`);
  let value = read.value;
  if (isObject(value) && !('detail' in value)) {
    const body =
      typeof value.Body === 'string' ? value.Body : typeof value.body === 'string' ? value.body : undefined;
    if (body !== undefined) {
      const inner = parseGuardedJson(body);
      if (!inner.ok)
        return fail(
          `an SQS message whose body is ${inner.reason.startsWith('not JSON') ? 'not JSON' : `unusable (${inner.reason})`}; expected the SES event in its EventBridge envelope`,
        );
      value = inner.value;
    }
  }
  if (!isObject(value)) return fail('not a JSON object; each line must be one SES event record');
  const dated = (event: SesEventBridgeEvent, wrapped: boolean): EventLine => {
    const future = now === undefined ? undefined : futureProblem('time', sesEventTime(event.detail), now);
    return future ? fail(future) : { ok: true, line, event, wrapped };
  };
  if ('detail' in value) {
    const parsed = SesEventBridgeEvent.safeParse(value);
    if (!parsed.success)
      return fail(`not an SES event in an EventBridge envelope: ${issuesText(parsed.error, '')}`);
    return dated(parsed.data, false);
  }
  if ('eventType' in value && 'mail' in value) {
    const parsed = SesEventDetail.safeParse(value);
    if (!parsed.success) return fail(`not an SES event record: ${issuesText(parsed.error, '')}`);
    return dated(wrapBareRecord(parsed.data, JSON.stringify(value)), true);
  }
  if ('notificationType' in value)
    return fail(
      'an SES feedback notification (notificationType), not an event-publishing record; replay records from the configuration set event destination',
    );
  return fail(
    'neither an EventBridge envelope (with "detail") nor an SES record (with "eventType" and "mail")',
  );
}

/** Reads every non-blank line of a JSONL file, numbering lines from 1; `now` refuses future-dated events. */
export function readEventLines(content: string, now?: number): EventLine[] {
  const lines: EventLine[] = [];
  content.split(/\r?\n/).forEach((text, index) => {
    if (text.trim() !== '') lines.push(readEventLine(text, index + 1, now));
  });
  return lines;
}
