import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, twoProportionZTest } from '../../../functions/core/kpi/stats.ts';

describe('normal distribution', () => {
  it('matches tabulated values of Φ', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.8413447461, 6);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-2.5758293)).toBeCloseTo(0.005, 6);
    expect(normalCdf(3)).toBeCloseTo(0.998650102, 6);
  });

  it('keeps tiny tail probabilities positive and relatively accurate', () => {
    // erfc(5) = 1.5374597944e-12
    expect(erfc(5) / 1.5374597944e-12).toBeCloseTo(1, 5);
    expect(erfc(-1)).toBeCloseTo(2 - 0.1572992071, 7);
    expect(erfc(30)).toBeGreaterThanOrEqual(0);
  });
});

describe('two-proportion z-test', () => {
  it('computes z and the two-sided p-value with a pooled standard error', () => {
    // 2/4 against 1/4: pooled 3/8, se = sqrt(0.375·0.625·0.5), z = 0.25/se; p from erfc(|z|/√2).
    const test = twoProportionZTest(2, 4, 1, 4);
    expect(test.z).toBeCloseTo(0.7302967433, 8);
    expect(test.pValue).toBeCloseTo(0.4652088184, 6);
  });

  it('gives a classic significant result: 120/1000 against 80/1000', () => {
    const test = twoProportionZTest(120, 1000, 80, 1000);
    expect(test.z).toBeCloseTo(2.98142397, 6);
    expect(test.pValue).toBeCloseTo(0.0028691, 6);
  });

  it('is symmetric and bounded', () => {
    const a = twoProportionZTest(30, 100, 20, 100);
    const b = twoProportionZTest(20, 100, 30, 100);
    expect(a.z).toBeCloseTo(-(b.z ?? 0), 10);
    expect(a.pValue).toBeCloseTo(b.pValue ?? -1, 10);
    expect(twoProportionZTest(5, 10, 5, 10)).toEqual({ z: 0, pValue: 1 });
  });

  it('is undefined (nulls) for an empty group or a pooled rate of 0 or 1', () => {
    expect(twoProportionZTest(3, 10, 0, 0)).toEqual({ z: null, pValue: null });
    expect(twoProportionZTest(0, 0, 0, 0)).toEqual({ z: null, pValue: null });
    expect(twoProportionZTest(0, 10, 0, 5)).toEqual({ z: null, pValue: null });
    expect(twoProportionZTest(10, 10, 5, 5)).toEqual({ z: null, pValue: null });
  });
});
