import { describe, expect, it } from 'vitest';
import {
  describeVerdict,
  judgeExperiment,
  sampleSizePerArm,
  wilsonInterval,
} from '../../../functions/core/kpi/experiments.ts';

// Every expected number below was worked out by hand (or is a textbook value), not by running the code.
describe('experiments: 95% Wilson intervals', () => {
  it('matches the textbook intervals for 0 of 10 and 5 of 10', () => {
    const none = wilsonInterval(0, 10);
    expect(none.rate).toBe(0);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
    const half = wilsonInterval(5, 10);
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
  });

  it('gives no interval when nobody was exposed', () => {
    expect(wilsonInterval(0, 0)).toEqual({ rate: null, low: null, high: null });
  });
});

describe('experiments: sample size per arm', () => {
  it('needs 686 contacts per arm to tell 10% from 15% at α 0.05 and power 0.8', () => {
    expect(sampleSizePerArm(0.1, 0.15)).toBe(686);
    expect(sampleSizePerArm(0.15, 0.1)).toBe(686);
  });

  it('has no answer when the rates are equal', () => {
    expect(sampleSizePerArm(0.2, 0.2)).toBeNull();
  });
});

describe('experiments: verdicts', () => {
  it('declares a winner when it is significant and every arm has the minimum sample', () => {
    // pooled 0.1, se √(0.1·0.9·2/1000) = 0.013416, z = 0.04 / 0.013416 = 2.981, p = 0.0029
    const result = judgeExperiment(
      [
        { arm: 'a', n: 1000, successes: 120 },
        { arm: 'b', n: 1000, successes: 80 },
      ],
      undefined,
    );
    expect(result.verdict).toEqual({ kind: 'winner', winner: 'a' });
    expect(result.arms[0]?.pVsOthers).toBeCloseTo(0.00287, 4);
    expect(describeVerdict(result.verdict)).toBe('winner: a');
  });

  it('says how many more contacts per arm a small test needs, instead of naming a winner', () => {
    // 24% against 16% needs 392 per arm (see sampleSizePerArm); 50 are in each arm, so 342 more.
    const result = judgeExperiment(
      [
        { arm: 'a', n: 50, successes: 12 },
        { arm: 'b', n: 50, successes: 8 },
      ],
      undefined,
    );
    expect(result.verdict).toEqual({ kind: 'not-enough-data', morePerArm: 342 });
    expect(describeVerdict(result.verdict)).toBe('not enough data yet: about 342 more contacts per variant');
  });

  it('does not name a winner below the minimum sample even when the test is significant', () => {
    const result = judgeExperiment(
      [
        { arm: 'a', n: 60, successes: 40 },
        { arm: 'b', n: 60, successes: 5 },
      ],
      undefined,
    );
    expect(result.arms[0]?.pVsOthers).toBeLessThan(0.001);
    expect(result.verdict).toEqual({ kind: 'not-enough-data', morePerArm: 40 });
  });

  it('reports no significant difference once the arms are large and equal', () => {
    const result = judgeExperiment(
      [
        { arm: 'a', n: 500, successes: 50 },
        { arm: 'b', n: 500, successes: 50 },
      ],
      undefined,
    );
    expect(result.verdict).toEqual({ kind: 'no-difference' });
  });

  it('measures lift against the holdout with its own test', () => {
    // 30% against 10%: pooled 0.2, se √(0.2·0.8·0.02) = 0.05657, z = 3.536, p = 0.00041
    const result = judgeExperiment([{ arm: 'default', n: 100, successes: 30 }], {
      arm: 'holdout',
      n: 100,
      successes: 10,
    });
    expect(result.verdict).toEqual({ kind: 'single-arm' });
    expect(result.arms[0]?.liftVsHoldout).toBeCloseTo(0.2, 10);
    expect(result.arms[0]?.pVsHoldout).toBeCloseTo(0.000407, 5);
    expect(result.arms[0]?.pVsOthers).toBeNull();
    expect(result.holdout?.rate).toBeCloseTo(0.1, 10);
  });

  it('waits for an arm with nobody exposed yet', () => {
    const result = judgeExperiment(
      [
        { arm: 'a', n: 30, successes: 3 },
        { arm: 'b', n: 0, successes: 0 },
      ],
      undefined,
    );
    expect(result.verdict).toEqual({ kind: 'not-enough-data', morePerArm: 100 });
    expect(result.arms[1]?.rate).toBeNull();
  });
});
