import type { SendRecord } from '../sending/send.ts';
import type { EMAIL_KPI_COLUMNS } from './columns.ts';
import { type DayRange, dayOf, inRange } from './dates.ts';
import type { RowOf } from './format.ts';
import { ratio } from './format.ts';

/** One email-kpis row. */
export type EmailKpiRow = RowOf<typeof EMAIL_KPI_COLUMNS>;

/** Whether a send record is a holdout skip: the comparison group, not a delivery. */
export function isHoldoutSkip(send: SendRecord): boolean {
  return send.status === 'skipped' && send.reason === 'holdout';
}

/**
 * Whether an email went out: status `sent`, or a lost outcome record that SES nevertheless reported
 * on (delivery or bounce), so KPIs count what SES saw without inventing anything.
 */
export function wasSent(send: SendRecord): boolean {
  return send.status === 'sent' || send.deliveredAt !== undefined || send.bouncedAt !== undefined;
}

/** Whether a record belongs in email KPIs: a real (non-test) email that is not a holdout skip. */
export function countsForEmailKpis(send: SendRecord): boolean {
  return send.test !== true && send.channel === 'email' && !isHoldoutSkip(send);
}

/** The UTC day a send belongs to: when it was sent, else when it was claimed. */
export function sendDay(send: SendRecord): string {
  return dayOf(send.sentAt ?? send.claimedAt);
}

interface Counts {
  sent: number;
  skipped: number;
  failed: number;
  delivered: number;
  bounced: number;
  complained: number;
  unsubscribed: number;
  humanOpens: number;
  machineOpens: number;
  clicks: number;
}

const zero = (): Counts => ({
  sent: 0,
  skipped: 0,
  failed: 0,
  delivered: 0,
  bounced: 0,
  complained: 0,
  unsubscribed: 0,
  humanOpens: 0,
  machineOpens: 0,
  clicks: 0,
});

/** Adds one send to running counts; tracker facts only count for emails that went out. */
function tally(counts: Counts, send: SendRecord): void {
  if (send.status === 'skipped') counts.skipped += 1;
  if (send.status === 'failed') counts.failed += 1;
  if (!wasSent(send)) return;
  counts.sent += 1;
  if (send.deliveredAt) counts.delivered += 1;
  if (send.bouncedAt) counts.bounced += 1;
  if (send.complainedAt) counts.complained += 1;
  if (send.unsubscribedAt) counts.unsubscribed += 1;
  if (send.firstOpenAt) counts.humanOpens += 1;
  if (send.firstMachineOpenAt) counts.machineOpens += 1;
  if (send.firstClickAt) counts.clicks += 1;
}

/** Email KPIs per day / campaign / step / variant / locale for sends whose day falls in the range. */
export function emailKpis(sends: readonly SendRecord[], range: DayRange): EmailKpiRow[] {
  const groups = new Map<string, { key: [string, string, string, string, string]; counts: Counts }>();
  for (const send of sends) {
    if (!countsForEmailKpis(send)) continue;
    const day = sendDay(send);
    if (!inRange(day, range)) continue;
    const key: [string, string, string, string, string] = [
      day,
      send.campaignId,
      send.stepId,
      send.variantId,
      send.locale ?? 'und',
    ];
    const id = key.join('\u0000');
    let group = groups.get(id);
    if (!group) {
      group = { key, counts: zero() };
      groups.set(id, group);
    }
    tally(group.counts, send);
  }
  return [...groups.values()]
    .sort((a, b) => compareKeys(a.key, b.key))
    .map(({ key: [day, campaignId, stepId, variantId, locale], counts: c }) => ({
      day,
      campaign_id: campaignId,
      step_id: stepId,
      variant_id: variantId,
      locale,
      sent: c.sent,
      skipped: c.skipped,
      failed: c.failed,
      delivered: c.delivered,
      bounced: c.bounced,
      complained: c.complained,
      unsubscribed: c.unsubscribed,
      human_opens: c.humanOpens,
      machine_opens: c.machineOpens,
      unique_clicks: c.clicks,
      open_rate: ratio(c.humanOpens, c.delivered),
      click_rate: ratio(c.clicks, c.delivered),
      ctor: ratio(c.clicks, c.humanOpens),
      bounce_rate: ratio(c.bounced, c.sent),
      complaint_rate: ratio(c.complained, c.delivered),
      unsubscribe_rate: ratio(c.unsubscribed, c.delivered),
    }));
}

/** Orders tuples of strings element by element. */
export function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Open and click rates per campaign / step / day, summed over variants and locales (for trend charts). */
export interface StepRatePoint {
  campaignId: string;
  stepId: string;
  day: string;
  delivered: number;
  openRate: number | null;
  clickRate: number | null;
}

/** Rolls email-kpis rows up to one point per campaign, step and day (or bucket, e.g. the week's Monday). */
export function stepRateSeries(
  rows: readonly EmailKpiRow[],
  bucketOf: (day: string) => string = (day) => day,
): StepRatePoint[] {
  const sums = new Map<
    string,
    { campaignId: string; stepId: string; day: string; d: number; o: number; c: number }
  >();
  for (const row of rows) {
    const { campaign_id: campaignId, step_id: stepId } = row;
    const day = bucketOf(row.day);
    const id = `${campaignId}\u0000${stepId}\u0000${day}`;
    const sum = sums.get(id) ?? { campaignId, stepId, day, d: 0, o: 0, c: 0 };
    sum.d += row.delivered;
    sum.o += row.human_opens;
    sum.c += row.unique_clicks;
    sums.set(id, sum);
  }
  return [...sums.values()]
    .sort((a, b) => compareKeys([a.campaignId, a.stepId, a.day], [b.campaignId, b.stepId, b.day]))
    .map((s) => ({
      campaignId: s.campaignId,
      stepId: s.stepId,
      day: s.day,
      delivered: s.d,
      openRate: ratio(s.o, s.d),
      clickRate: ratio(s.c, s.d),
    }));
}
