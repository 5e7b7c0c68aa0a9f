import {
  type BreakerFlag,
  type Clock,
  type EventPublisher,
  type Log,
  METRIC,
  type MessageQueue,
  type OpsMetrics,
  type SendRepository,
} from './ports.ts';
import type { SendMessage } from './send-step.ts';
import { EVENT_SOURCE } from './send-step.ts';

export interface ReconcileDeps {
  clock: Clock;
  sends: SendRepository;
  queue: MessageQueue<SendMessage>;
  breaker: BreakerFlag;
  metrics: OpsMetrics;
  publisher: EventPublisher;
  log: Log;
  /** a send in `sending` untouched this long has lost its outcome (the sender crashed) */
  stuckAfterMs: number;
  /** a send in `claimed` untouched this long has lost its queue message */
  requeueAfterMs: number;
}

/** What reconciliation found. */
export interface ReconcileReport {
  unknown: string[];
  requeued: string[];
}

/**
 * Repairs sends that lost their way. A send left in `sending` may or may not have reached SES, so it
 * becomes `unknown` and is reported, never re-sent. A send left in `claimed` never reached SES, so
 * it is enqueued again (the claimed → sending condition keeps that safe).
 */
export async function reconcileSends(deps: ReconcileDeps): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const at = new Date(now).toISOString();
  const unknown: string[] = [];
  const stuckCutoff = new Date(now - deps.stuckAfterMs).toISOString();
  for (const send of await deps.sends.listPending('sending', stuckCutoff)) {
    if (send.updatedAt > stuckCutoff) continue;
    const reason = `no outcome recorded ${Math.round(deps.stuckAfterMs / 60_000)} min after sending began; not re-sent`;
    if (await deps.sends.transition(send.sendId, 'sending', 'unknown', at, { reason }))
      unknown.push(send.sendId);
  }
  if (unknown.length > 0) {
    deps.metrics.count(METRIC.unknownOutcomes, unknown.length);
    deps.log.error('sends with an unknown outcome', { count: unknown.length, sendIds: unknown.slice(0, 50) });
    await deps.publisher.publish([
      { source: EVENT_SOURCE, detailType: 'lowtouch.unknown-outcomes', detail: { at, sendIds: unknown } },
    ]);
  }
  const requeued: string[] = [];
  if (!(await deps.breaker.get()).paused) {
    const requeueCutoff = new Date(now - deps.requeueAfterMs).toISOString();
    for (const send of await deps.sends.listPending('claimed', requeueCutoff)) {
      if (send.updatedAt > requeueCutoff) continue;
      // Touch the claim so the next run does not enqueue it again while this message waits in line.
      if (await deps.sends.transition(send.sendId, 'claimed', 'claimed', at, { reason: 'requeued' })) {
        requeued.push(send.sendId);
      }
    }
    await deps.queue.send(requeued.map((sendId) => ({ body: { sendId, attempt: 0 } })));
    if (requeued.length > 0) deps.log.info('re-enqueued claimed sends', { count: requeued.length });
  }
  return { unknown, requeued };
}
