import { describe, expect, it } from 'vitest';
import { InMemoryPublisher } from '../../../functions/adapters/memory/publisher.ts';
import { InMemoryState } from '../../../functions/adapters/memory/repositories.ts';
import {
  BreakerResumeError,
  breakerStatus,
  resumeBreaker,
  SENDING_RESUMED_DETAIL_TYPE,
} from '../../../functions/app/breaker-control.ts';
import { DEFAULT_BREAKER, hourOf } from '../../../functions/core/tracking/reputation.ts';

const NOW = Date.parse('2026-11-22T10:20:00Z');

async function world(bounced: number) {
  const state = new InMemoryState();
  const reputation = state.reputation();
  await reputation.add(hourOf(NOW - 3_600_000), { sent: 400, bounced });
  await state.pause(`bounce rate ${bounced / 4}% above 2%`, '2026-11-22T09:05:00.000Z');
  const publisher = new InMemoryPublisher();
  return {
    state,
    publisher,
    deps: { breaker: state, reputation, clock: { now: () => NOW }, thresholds: DEFAULT_BREAKER, publisher },
  };
}

describe('breaker control', () => {
  it('reports the record and the trailing window the tracker judges', async () => {
    const { deps } = await world(12);
    const report = await breakerStatus(deps);
    expect(report.record).toEqual({
      paused: true,
      reason: 'bounce rate 3% above 2%',
      since: '2026-11-22T09:05:00.000Z',
      pausedBy: 'reputation breaker',
    });
    expect(report.window).toMatchObject({
      fromHour: '2026-11-21T11',
      toHour: '2026-11-22T10',
      sent: 400,
      bounced: 12,
      trip: true,
    });
  });

  it('refuses to resume while the window is over a threshold unless forced, and announces the resume', async () => {
    const { state, publisher, deps } = await world(12);
    await expect(resumeBreaker({ by: 'mari' }, deps)).rejects.toBeInstanceOf(BreakerResumeError);
    expect((await state.get()).paused).toBe(true);
    const outcome = await resumeBreaker({ by: 'mari', note: 'list cleaned', force: true }, deps);
    expect(outcome).toMatchObject({ outcome: 'resumed', at: '2026-11-22T10:20:00.000Z', announced: true });
    expect(await state.get()).toEqual({ paused: false });
    expect(await state.record()).toMatchObject({ resumedBy: 'mari', resumeNote: 'list cleaned' });
    expect(publisher.events).toEqual([
      expect.objectContaining({
        detailType: SENDING_RESUMED_DETAIL_TYPE,
        detail: expect.objectContaining({
          resumedBy: 'mari',
          forced: true,
          pauseReason: 'bounce rate 3% above 2%',
        }),
      }),
    ]);
    expect(await resumeBreaker({ by: 'mari' }, deps)).toMatchObject({ outcome: 'not-paused' });
  });

  it('keeps the resume when the announcement fails, and says so', async () => {
    const { state, deps } = await world(2);
    const failing = { publish: async () => Promise.reject(new Error('AccessDenied')) };
    const outcome = await resumeBreaker({ by: 'aiko' }, { ...deps, publisher: failing });
    expect(outcome).toMatchObject({ outcome: 'resumed', announced: false, announceError: 'AccessDenied' });
    expect((await state.get()).paused).toBe(false);
  });
});
