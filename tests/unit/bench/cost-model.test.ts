import { describe, expect, it } from 'vitest';
import { costFigures, priceCounts } from '../../../bench/cost.ts';
import { batchesOf, type CostCounts, type FunctionUse } from '../../../bench/cost-count.ts';
import { PRICES } from '../../../bench/cost-prices.ts';
import { RequestCounter } from '../../../functions/adapters/request-counter.ts';
import { FUNCTIONS } from '../../../infra/functions.ts';

const S = 1000;

describe('batchesOf (an SQS source with a 5 s window and batches of 10)', () => {
  it('puts events that arrive together in one invocation and a lone late one in its own', () => {
    const burst = Array.from({ length: 10 }, (_, i) => i * 100);
    expect(batchesOf(burst)).toBe(1);
    expect(batchesOf([...burst, 200])).toBe(2); // the eleventh waits for the next batch
    expect(batchesOf([0, 4 * S, 3_600 * S])).toBe(2);
    expect(batchesOf([3_600 * S, 0, 4 * S])).toBe(2); // order does not matter
    expect(batchesOf([])).toBe(0);
  });
});

describe('priceCounts', () => {
  const idle = (): FunctionUse => ({ invocations: 0, busyMs: 0, coldStarts: 0, hours: new Set() });
  const counts = (): CostCounts => ({
    contacts: 10,
    emails: 1000,
    ticks: 0,
    shardsPerTick: 0,
    functions: new Map(FUNCTIONS.map((f) => [f.id, idle()])),
    counter: new RequestCounter(),
    sqsRequests: { plan: 0, send: 0, emailEvents: 0, usage: 0 },
    eventBridgeEvents: { ses: 0, usage: 0, published: 0 },
    schedulerInvocations: 0,
    s3Puts: 0,
    days: 7,
  });

  it('charges the mail path per invocation, GB-second, trace and queue request at list price', () => {
    const c = counts();
    c.functions.set('SendStep', { invocations: 100, busyMs: 10_000, coldStarts: 0, hours: new Set([1]) });
    c.sqsRequests.send = 300;
    const lines = priceCounts(c).filter((l) => l.driver === 'mail' && l.dollars > 0);
    const byItem = Object.fromEntries(lines.map((l) => [l.item, l.dollars]));
    expect(byItem['Lambda requests']).toBeCloseTo(100 * PRICES.lambdaRequest, 12);
    expect(byItem['Lambda duration']).toBeCloseTo(10 * PRICES.lambdaGbSecond, 12); // 10 s at 1 GB
    expect(byItem['X-Ray traces']).toBeCloseTo(100 * PRICES.xrayTrace, 12);
    expect(byItem['SQS (send and event queues)']).toBeCloseTo(300 * PRICES.sqsRequest, 12);
    const total = lines.reduce((sum, l) => sum + l.dollars, 0);
    expect(costFigures(c, priceCounts(c)).perThousandEmails).toBeCloseTo(total, 12);
  });

  it('does not trace the event consumers that pass tracing through', () => {
    const c = counts();
    c.functions.set('RecordEmailEvents', { invocations: 50, busyMs: 0, coldStarts: 0, hours: new Set() });
    const traces = priceCounts(c).find((l) => l.driver === 'mail' && l.item === 'X-Ray traces');
    expect(traces?.quantity).toBe(0);
  });
});
