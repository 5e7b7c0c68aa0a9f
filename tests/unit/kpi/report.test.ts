import { describe, expect, it } from 'vitest';
import { computeKpis } from '../../../functions/core/kpi/dataset.ts';
import { renderKpiReport } from '../../../functions/report/html.ts';
import { esc, niceMax } from '../../../functions/report/svg.ts';
import { generateKpiFixture, send } from './helpers/fixtures.ts';

const now = new Date('2026-11-22T06:00:00Z');
const range = { from: '2026-10-23', to: '2026-11-21' };

describe('HTML report', () => {
  const world = generateKpiFixture();
  const html = renderKpiReport(computeKpis(world, { range, period: 'auto', now }));

  it('holds every chart as inline SVG', () => {
    const charts = [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]);
    expect(charts).toEqual([
      'email-rates-feature-release',
      'email-rates-onboarding',
      'email-rates-renewal',
      'login-lift',
      'onboarding-funnel-onboarding',
      'health-by-tier',
      'nps-trend',
      'churn-trend',
    ]);
    expect(html).not.toContain('No data in this range');
  });

  it('is self-contained: no script, no external URL, no font or image fetch', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    const urls = [...html.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+/gi)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org']));
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'`);
    expect(html).toMatch(/<style>[^<]+<\/style>/);
  });

  it('renders with empty inputs, showing the charts as empty rather than failing', () => {
    const empty = renderKpiReport(
      computeKpis(
        {
          sends: [],
          enrollments: [],
          accounts: [],
          contacts: [],
          dailyUsage: [],
          npsResponses: [],
          campaigns: [],
        },
        { range, period: 'week', now },
      ),
    );
    expect(empty).toContain('No data in this range');
    expect(empty).not.toMatch(/NaN|Infinity|undefined/);
    expect(empty).toContain('data-chart="login-lift"');
  });

  it('escapes ids that look like markup', () => {
    const hostile = renderKpiReport(
      computeKpis(
        {
          sends: [
            send({
              contactId: 'c1',
              campaignId: '<b>x</b>',
              claimedAt: '2026-11-02T09:00:00Z',
              deliveredAt: '2026-11-02T09:01:00Z',
            }),
          ],
          enrollments: [],
          accounts: [],
          contacts: [],
          dailyUsage: [],
          npsResponses: [],
          campaigns: [],
        },
        { range, period: 'week', now },
      ),
    );
    expect(hostile).not.toContain('<b>x</b>');
    expect(hostile).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(esc(`"'&<>`)).toBe('&quot;&#39;&amp;&lt;&gt;');
  });

  it('picks readable axis maxima', () => {
    expect(niceMax(0.03, 0.05)).toBe(0.05);
    expect(niceMax(0.37, 0.05)).toBeCloseTo(0.5, 12);
    expect(niceMax(7, 0.05)).toBe(10);
    expect(niceMax(180, 0.05)).toBe(200);
  });
});
