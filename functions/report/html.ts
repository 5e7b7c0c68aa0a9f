// Over 300 lines: the report's sections are one page in one reading order; each section is a small function.
import type { KpiDataset } from '../core/kpi/dataset.ts';
import { addDays, periodsOf } from '../core/kpi/dates.ts';
import { stepRateSeries } from '../core/kpi/email.ts';
import { ratio } from '../core/kpi/format.ts';
import { card, figure, num, pValue, signed, table } from './parts.ts';
import { REPORT_CSS } from './style.ts';
import {
  barChart,
  esc,
  funnelChart,
  HEALTH_COLORS,
  type LineSeries,
  lineChart,
  PALETTE,
  pct,
  stackedBarChart,
} from './svg.ts';

function emailSection(data: KpiDataset): string {
  const totals = { sent: 0, delivered: 0, opens: 0, clicks: 0, bounced: 0, unsubscribed: 0 };
  for (const row of data.email) {
    totals.sent += row.sent;
    totals.delivered += row.delivered;
    totals.opens += row.human_opens;
    totals.clicks += row.unique_clicks;
    totals.bounced += row.bounced;
    totals.unsubscribed += row.unsubscribed;
  }
  const cards = [
    card('emails sent', String(totals.sent)),
    card('delivered', String(totals.delivered)),
    card('open rate (human)', pct(ratio(totals.opens, totals.delivered))),
    card('click rate', pct(ratio(totals.clicks, totals.delivered))),
    card('bounce rate', pct(ratio(totals.bounced, totals.sent))),
    card('unsubscribe rate', pct(ratio(totals.unsubscribed, totals.delivered))),
  ].join('');
  const bucket = new Map<string, string>();
  for (const period of periodsOf(data.range, data.period)) {
    for (let day = period.from; day <= period.to; day = addDays(day, 1)) bucket.set(day, period.label);
  }
  const points = stepRateSeries(data.email, (day) => bucket.get(day) ?? day);
  const campaigns = [...new Set(points.map((p) => p.campaignId))];
  const charts = campaigns.map((campaignId) => {
    const steps = [...new Set(points.filter((p) => p.campaignId === campaignId).map((p) => p.stepId))];
    const series: LineSeries[] = steps.flatMap((stepId, i) => {
      const mine = points.filter((p) => p.campaignId === campaignId && p.stepId === stepId);
      const color = PALETTE[i % PALETTE.length] ?? '#000';
      return [
        { label: `${stepId} open`, color, points: mine.map((p) => ({ x: p.day, y: p.openRate })) },
        {
          label: `${stepId} click`,
          color,
          dashed: true,
          points: mine.map((p) => ({ x: p.day, y: p.clickRate })),
        },
      ];
    });
    const chart = lineChart(
      `email-rates-${campaignId}`,
      `Open and click rate per step: ${campaignId}`,
      series,
      {
        yMax: 1,
        format: (v) => `${Math.round(v * 100)}%`,
      },
    );
    return figure(
      chart,
      `${campaignId}: human open rate (solid) and click rate (dashed) per step, by ${data.period}`,
    );
  });
  const stepTotals = new Map<
    string,
    { c: string; s: string; sent: number; d: number; o: number; k: number; u: number }
  >();
  for (const row of data.email) {
    const id = `${row.campaign_id}\u0000${row.step_id}`;
    const t = stepTotals.get(id) ?? { c: row.campaign_id, s: row.step_id, sent: 0, d: 0, o: 0, k: 0, u: 0 };
    t.sent += row.sent;
    t.d += row.delivered;
    t.o += row.human_opens;
    t.k += row.unique_clicks;
    t.u += row.unsubscribed;
    stepTotals.set(id, t);
  }
  const rows = table(
    'Email KPIs per campaign and step',
    [
      { label: 'campaign', cell: (t) => t.c },
      { label: 'step', cell: (t) => t.s },
      { label: 'sent', cell: (t) => String(t.sent), numeric: true },
      { label: 'delivered', cell: (t) => String(t.d), numeric: true },
      { label: 'open rate', cell: (t) => pct(ratio(t.o, t.d)), numeric: true },
      { label: 'click rate', cell: (t) => pct(ratio(t.k, t.d)), numeric: true },
      { label: 'CTOR', cell: (t) => pct(ratio(t.k, t.o)), numeric: true },
      { label: 'unsubscribe rate', cell: (t) => pct(ratio(t.u, t.d)), numeric: true },
    ],
    [...stepTotals.values()],
  );
  const body =
    charts.length > 0
      ? charts.join('')
      : figure(
          lineChart('email-rates', 'Open and click rate', [], { format: pct }),
          'No emails in this range',
        );
  return `<section id="email"><h2>Email engagement</h2><div class="cards">${cards}</div><div class="grid">${body}</div>${rows}</section>`;
}

function loginSection(data: KpiDataset): string {
  const campaignRows = data.login.filter((r) => r.step_id === '*');
  const chart = barChart(
    'login-lift',
    'Share of contacts who logged in within 7 days: recipients against holdout',
    ['recipients', 'holdout'],
    campaignRows.map((r) => ({
      label: r.campaign_id,
      values: [r.recipient_login_rate, r.holdout_login_rate],
      note: `lift ${signed(r.login_lift_pts)} pts · p ${pValue(r.p_value)}`,
    })),
    {
      yMax: 1,
      format: (v) => `${Math.round(v * 100)}%`,
      colors: [PALETTE[0] ?? '#000', HEALTH_COLORS.unscored],
    },
  );
  const rows = table(
    'Login KPIs per campaign ("*") and step',
    [
      { label: 'campaign', cell: (r) => r.campaign_id },
      { label: 'step', cell: (r) => r.step_id },
      { label: 'recipients', cell: (r) => String(r.recipients), numeric: true },
      { label: 'login rate 7d', cell: (r) => pct(r.recipient_login_rate), numeric: true },
      { label: 'holdout', cell: (r) => String(r.holdout), numeric: true },
      { label: 'holdout rate 7d', cell: (r) => pct(r.holdout_login_rate), numeric: true },
      { label: 'lift (pts)', cell: (r) => signed(r.login_lift_pts), numeric: true },
      { label: 'p-value', cell: (r) => pValue(r.p_value), numeric: true },
      { label: 'avg logins 14d before', cell: (r) => num(r.avg_logins_before_14d, 2), numeric: true },
      { label: 'avg logins 14d after', cell: (r) => num(r.avg_logins_after_14d, 2), numeric: true },
    ],
    data.login,
  );
  return `<section id="logins"><h2>Login lift against the holdout</h2>${figure(
    chart,
    'Per campaign, each contact counted once from its first email (or holdout skip) in the range; only closed 7-day windows count.',
  )}${rows}</section>`;
}

function onboardingSection(data: KpiDataset): string {
  const campaigns = [...new Set(data.funnel.map((r) => r.campaign_id))];
  const charts = campaigns.map((campaignId) =>
    figure(
      funnelChart(
        `onboarding-funnel-${campaignId}`,
        `Onboarding funnel: ${campaignId}`,
        data.funnel
          .filter((r) => r.campaign_id === campaignId)
          .map((r) => ({ label: r.stage, count: r.contacts })),
      ),
      `${campaignId}: contacts who entered in the range (holdout excluded), by stage reached`,
    ),
  );
  const body =
    charts.length > 0
      ? charts.join('')
      : figure(funnelChart('onboarding-funnel', 'Onboarding funnel', []), 'No onboarding campaign');
  const rows = table(
    'Onboarding completion per weekly cohort',
    [
      { label: 'cohort week', cell: (r) => r.cohort_week },
      { label: 'campaign', cell: (r) => r.campaign_id },
      { label: 'enrolled', cell: (r) => String(r.enrolled), numeric: true },
      { label: 'completed', cell: (r) => String(r.completed), numeric: true },
      { label: 'completion', cell: (r) => pct(r.completion_rate), numeric: true },
      { label: 'holdout completion', cell: (r) => pct(r.holdout_completion_rate), numeric: true },
    ],
    data.onboarding,
  );
  return `<section id="onboarding"><h2>Onboarding</h2><div class="grid">${body}</div>${rows}</section>`;
}

function healthSection(data: KpiDataset): string {
  const chart = stackedBarChart(
    'health-by-tier',
    'Health by tier',
    data.healthByTier.map((r) => ({
      label: r.tier,
      segments: [
        { key: 'green', count: r.green, color: HEALTH_COLORS.green },
        { key: 'yellow', count: r.yellow, color: HEALTH_COLORS.yellow },
        { key: 'red', count: r.red, color: HEALTH_COLORS.red },
        { key: 'unscored', count: r.unscored, color: HEALTH_COLORS.unscored },
      ],
    })),
  );
  const features = table(
    'Feature usage rate',
    [
      { label: 'feature', cell: (r) => (r.feature === '*' ? 'any feature' : r.feature) },
      { label: 'users', cell: (r) => String(r.users), numeric: true },
      { label: 'active contacts', cell: (r) => String(r.active_contacts), numeric: true },
      { label: 'usage rate', cell: (r) => pct(r.usage_rate), numeric: true },
    ],
    data.features,
  );
  const rows = table(
    'Health by tier',
    [
      { label: 'tier', cell: (r) => r.tier },
      { label: 'accounts', cell: (r) => String(r.accounts), numeric: true },
      { label: 'green', cell: (r) => pct(r.green_share), numeric: true },
      { label: 'yellow', cell: (r) => pct(r.yellow_share), numeric: true },
      { label: 'red', cell: (r) => pct(r.red_share), numeric: true },
      { label: 'avg score', cell: (r) => num(r.avg_score, 1), numeric: true },
    ],
    data.healthByTier,
  );
  return `<section id="health"><h2>Health and usage</h2>${figure(chart, 'Current health color of non-churned accounts per touch tier')}${rows}${features}</section>`;
}

function trendSection(data: KpiDataset): string {
  const nps = lineChart(
    'nps-trend',
    'NPS per period',
    [{ label: 'NPS', color: PALETTE[3] ?? '#000', points: data.cs.map((r) => ({ x: r.period, y: r.nps })) }],
    { yMin: -100, yMax: 100, format: (v) => v.toFixed(0) },
  );
  const churn = barChart(
    'churn-trend',
    'Churn rate per period',
    ['churn rate'],
    data.cs.map((r) => ({ label: r.period, values: [r.churn_rate] })),
    { format: (v) => `${(v * 100).toFixed(1)}%`, colors: [HEALTH_COLORS.red] },
  );
  const rows = table(
    `CS KPIs per ${data.period}`,
    [
      { label: 'period', cell: (r) => r.period },
      { label: 'customers at start', cell: (r) => String(r.customers_start), numeric: true },
      { label: 'churned', cell: (r) => String(r.churned), numeric: true },
      {
        label: 'churn rate',
        cell: (r) => `${pct(r.churn_rate)} (${r.churned} of ${r.customers_start})`,
        numeric: true,
      },
      { label: 'NPS', cell: (r) => num(r.nps, 1), numeric: true },
      { label: 'answers', cell: (r) => String(r.nps_responses), numeric: true },
      {
        label: 'onboarding completion',
        cell: (r) =>
          `${pct(r.onboarding_completion_rate)} (${r.onboarding_completed} of ${r.onboarding_enrolled})`,
        numeric: true,
      },
      {
        label: 'feature usage rate',
        cell: (r) => `${pct(r.feature_usage_rate)} (${r.feature_users} of ${r.active_contacts})`,
        numeric: true,
      },
    ],
    data.cs,
  );
  const revenue = table(
    'Revenue: ARPU and LTV per currency',
    [
      { label: 'period', cell: (r) => r.period },
      { label: 'currency', cell: (r) => (r.currency === '*' ? 'all' : r.currency) },
      { label: 'customers', cell: (r) => String(r.customers_start), numeric: true },
      { label: 'ARPU (monthly)', cell: (r) => num(r.arpu, 2), numeric: true },
      { label: 'churn (monthly)', cell: (r) => pct(r.churn_rate_monthly), numeric: true },
      {
        label: 'LTV',
        // LTV = ARPU ÷ churn: without a cancellation in the period there is nothing to divide by.
        cell: (r) =>
          r.ltv === null && r.churn_rate_monthly === 0 ? 'no churn in this period' : num(r.ltv, 0),
        numeric: true,
      },
    ],
    data.revenue,
  );
  return `<section id="trends"><h2>NPS and churn</h2><div class="grid">${figure(nps, 'NPS = % promoters − % detractors')}${figure(
    churn,
    'Churned ÷ customers at the start of each period',
  )}</div>${rows}${revenue}</section>`;
}

/** Renders the self-contained HTML KPI report: inline CSS and SVG only, no scripts, fonts or requests. */
export function renderKpiReport(data: KpiDataset): string {
  const title = `lowtouch KPI report ${data.range.from} – ${data.range.to}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(title)}</title><style>${REPORT_CSS}</style></head><body>`,
    `<header><h1>${esc(title)}</h1><p class="muted">Generated ${esc(data.generatedAt)} · usage complete through ${esc(
      data.dataThrough,
    )} · periods: ${esc(data.period)}s · ids only, no personal data</p>`,
    '<nav><a href="#email">Email</a><a href="#logins">Login lift</a><a href="#onboarding">Onboarding</a><a href="#health">Health</a><a href="#trends">NPS and churn</a></nav></header>',
    '<main>',
    emailSection(data),
    loginSection(data),
    onboardingSection(data),
    healthSection(data),
    trendSection(data),
    '</main><footer class="muted">Rates with a zero denominator are shown as –. Definitions: docs/kpis.md.</footer>',
    '</body></html>',
    '',
  ].join('\n');
}
