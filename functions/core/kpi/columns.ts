import { defineColumns } from './format.ts';

/**
 * The column lists of every KPI export, in file order. The CSV header, the JSON column list, the
 * export row schemas and the Glue tables over the CSVs all come from these constants.
 */

const count = <N extends string>(
  name: N,
  description: string,
): { name: N; type: 'bigint'; description: string } => ({
  name,
  type: 'bigint',
  description,
});
const rate = <N extends string>(
  name: N,
  description: string,
): { name: N; type: 'double'; nullable: true; description: string } => ({
  name,
  type: 'double',
  nullable: true,
  description,
});

/** email-kpis: one row per day / campaign / step / variant / locale. */
export const EMAIL_KPI_COLUMNS = defineColumns([
  { name: 'day', type: 'date', description: 'UTC day of the send (sentAt, else claimedAt)' },
  { name: 'campaign_id', type: 'string', description: 'campaign id' },
  { name: 'step_id', type: 'string', description: 'step id' },
  { name: 'variant_id', type: 'string', description: 'variant id' },
  { name: 'locale', type: 'string', description: 'locale the email was rendered in, "und" when unknown' },
  count('sent', 'emails accepted by SES'),
  count('skipped', 'claimed sends skipped (suppressed, capped, …), holdout excluded'),
  count('failed', 'sends that failed permanently'),
  count('delivered', 'sends with a Delivery event'),
  count('bounced', 'sends with a Bounce event'),
  count('complained', 'sends with a Complaint event'),
  count('unsubscribed', 'sends followed by an unsubscribe'),
  count('human_opens', 'sends opened at least once by a person (unique)'),
  count('machine_opens', 'sends opened by a privacy proxy or prefetcher (unique)'),
  count('unique_clicks', 'sends with at least one click (unique)'),
  rate('open_rate', 'human_opens ÷ delivered'),
  rate('click_rate', 'unique_clicks ÷ delivered'),
  rate('ctor', 'unique_clicks ÷ human_opens'),
  rate('bounce_rate', 'bounced ÷ sent'),
  rate('complaint_rate', 'complained ÷ delivered'),
  rate('unsubscribe_rate', 'unsubscribed ÷ delivered'),
]);

/** login-kpis: one row per campaign / step, plus one per campaign with step_id "*". */
export const LOGIN_KPI_COLUMNS = defineColumns([
  { name: 'campaign_id', type: 'string', description: 'campaign id' },
  {
    name: 'step_id',
    type: 'string',
    description: 'step id, "*" for the whole campaign (first touch per contact)',
  },
  count('recipients', 'sends whose 7-day window has closed'),
  count('recipients_logged_in', 'of those, sends followed by ≥1 login within 7 days'),
  rate('recipient_login_rate', 'recipients_logged_in ÷ recipients'),
  count('holdout', 'holdout skips of the same step and period whose 7-day window has closed'),
  count('holdout_logged_in', 'of those, ≥1 login within 7 days'),
  rate('holdout_login_rate', 'holdout_logged_in ÷ holdout'),
  rate('login_lift_pts', '(recipient_login_rate − holdout_login_rate) × 100, in percentage points'),
  rate('z_score', 'two-proportion z statistic (pooled)'),
  rate('p_value', 'two-sided p-value of the z-test'),
  count('recipients_14d', 'sends whose 14-day window has closed'),
  rate('avg_logins_before_14d', 'mean logins in the 14 days before the send'),
  rate('avg_logins_after_14d', 'mean logins in the 14 days from the send day'),
  count('holdout_14d', 'holdout skips whose 14-day window has closed'),
  rate('holdout_avg_logins_before_14d', 'holdout mean logins in the 14 days before'),
  rate('holdout_avg_logins_after_14d', 'holdout mean logins in the 14 days after'),
]);

/** onboarding-kpis: completion per weekly entry cohort of each onboarding campaign. */
export const ONBOARDING_KPI_COLUMNS = defineColumns([
  { name: 'cohort_week', type: 'date', description: 'Monday of the ISO week the contacts entered' },
  { name: 'campaign_id', type: 'string', description: 'onboarding campaign id' },
  count('enrolled', 'contacts who entered (holdout excluded)'),
  count('completed', 'of those, contacts who reached the goal'),
  rate('completion_rate', 'completed ÷ enrolled'),
  count('holdout_enrolled', 'holdout contacts who entered'),
  count('holdout_completed', 'holdout contacts who reached the goal'),
  rate('holdout_completion_rate', 'holdout_completed ÷ holdout_enrolled'),
]);

/** onboarding-funnel: contacts reaching each stage of each onboarding campaign (holdout excluded). */
export const ONBOARDING_FUNNEL_COLUMNS = defineColumns([
  { name: 'campaign_id', type: 'string', description: 'onboarding campaign id' },
  count('stage_index', '0 for "enrolled", then one per step, last "goal"'),
  { name: 'stage', type: 'string', description: '"enrolled", "step:<id>" or "goal"' },
  count('contacts', 'contacts who reached the stage'),
  rate('share_of_enrolled', 'contacts ÷ contacts at stage 0'),
]);

/** feature-usage: per feature, the share of active contacts who used it in the range. */
export const FEATURE_USAGE_COLUMNS = defineColumns([
  { name: 'feature', type: 'string', description: 'feature key, "*" for any feature' },
  count('users', 'active contacts with ≥1 use in the range'),
  count('active_contacts', 'contacts signed up by the end whose account had not churned by the start'),
  rate('usage_rate', 'users ÷ active_contacts'),
  count('uses', 'total uses in the range'),
]);

/** health-by-tier: the current health distribution of non-churned accounts per tier. */
export const HEALTH_BY_TIER_COLUMNS = defineColumns([
  { name: 'tier', type: 'string', description: 'high, low, tech, or "unassigned"' },
  count('accounts', 'non-churned accounts in the tier'),
  count('green', 'accounts whose health is green'),
  count('yellow', 'accounts whose health is yellow'),
  count('red', 'accounts whose health is red'),
  count('unscored', 'accounts without a health score yet'),
  rate('green_share', 'green ÷ accounts'),
  rate('yellow_share', 'yellow ÷ accounts'),
  rate('red_share', 'red ÷ accounts'),
  rate('avg_score', 'mean health score of scored accounts'),
]);

/** cs-kpis: one row per period (ISO week or calendar month, clipped to the range). */
export const CS_KPI_COLUMNS = defineColumns([
  { name: 'period', type: 'string', description: 'Monday (weekly) or YYYY-MM (monthly)' },
  { name: 'period_start', type: 'date', description: 'first day of the period inside the range' },
  { name: 'period_end', type: 'date', description: 'last day of the period inside the range' },
  count('customers_start', 'paying customers at the start of the period'),
  count('churned', 'of those, customers who churned during the period'),
  rate('churn_rate', 'churned ÷ customers_start'),
  count('nps_responses', 'NPS answers in the period'),
  count('promoters', 'answers scoring 9–10'),
  count('passives', 'answers scoring 7–8'),
  count('detractors', 'answers scoring 0–6'),
  rate('nps', '(promoters − detractors) ÷ nps_responses × 100, from −100 to 100'),
  count('onboarding_enrolled', 'contacts entering an onboarding campaign in the period (holdout excluded)'),
  count('onboarding_completed', 'of those, contacts who reached the goal'),
  rate('onboarding_completion_rate', 'onboarding_completed ÷ onboarding_enrolled'),
  count('active_contacts', 'contacts signed up by the end whose account had not churned by the start'),
  count('feature_users', 'active contacts with ≥1 feature use in the period'),
  rate('feature_usage_rate', 'feature_users ÷ active_contacts'),
]);

/** revenue-kpis: ARPU, churn and LTV per period and currency ("*" = every currency, counts only). */
export const REVENUE_KPI_COLUMNS = defineColumns([
  { name: 'period', type: 'string', description: 'Monday (weekly) or YYYY-MM (monthly)' },
  { name: 'period_start', type: 'date', description: 'first day of the period inside the range' },
  { name: 'period_end', type: 'date', description: 'last day of the period inside the range' },
  { name: 'currency', type: 'string', description: 'ISO 4217 code, "*" for all currencies' },
  count('customers_start', 'paying customers at the start of the period'),
  rate('mrr_start', 'sum of their current MRR (empty on the "*" row)'),
  rate('arpu', 'mrr_start ÷ customers_start: monthly revenue per customer (empty on the "*" row)'),
  count('churned', 'of those, customers who churned during the period'),
  rate('churn_rate', 'churned ÷ customers_start'),
  rate('churn_rate_monthly', 'churn_rate × 30.4375 ÷ days in the period'),
  rate('ltv', 'arpu ÷ churn_rate_monthly; empty when nobody churned'),
]);

/** recipients-<campaign>: engagement per contact id for one campaign. */
export const RECIPIENT_COLUMNS = defineColumns([
  { name: 'contact_id', type: 'string', description: 'contact id' },
  { name: 'account_id', type: 'string', description: 'account id' },
  { name: 'campaign_id', type: 'string', description: 'campaign id' },
  count('is_holdout', '1 when the contact is in the holdout group'),
  { name: 'entered_at', type: 'string', nullable: true, description: 'ISO time the contact entered' },
  { name: 'exit_reason', type: 'string', nullable: true, description: 'goal, left-audience or completed' },
  { name: 'goal_reached_at', type: 'string', nullable: true, description: 'ISO time the goal was reached' },
  count('sends', 'emails sent to the contact by this campaign'),
  count('delivered', 'of those, delivered'),
  count('human_opens', 'of those, opened by a person'),
  count('machine_opens', 'of those, opened by a machine'),
  count('clicks', 'of those, clicked'),
  count('bounced', 'of those, bounced'),
  count('complained', 'of those, complained about'),
  count('unsubscribed', 'of those, followed by an unsubscribe'),
  { name: 'first_sent_at', type: 'string', nullable: true, description: 'ISO time of the first send' },
  { name: 'last_sent_at', type: 'string', nullable: true, description: 'ISO time of the last send' },
  {
    name: 'logins_7d',
    type: 'bigint',
    nullable: true,
    description: 'logins in the 7 days from the first send (or holdout skip); empty until the window closes',
  },
]);

/** experiment-kpis: one row per campaign / step / metric / arm of each A/B test or holdout comparison. */
export const EXPERIMENT_KPI_COLUMNS = defineColumns([
  {
    name: 'campaign_id',
    type: 'string',
    description: 'campaign id; "all-campaigns" for the global holdout against everyone else',
  },
  { name: 'step_id', type: 'string', description: 'step id; "*" for the global holdout rows' },
  {
    name: 'metric',
    type: 'string',
    description: 'open, click, goal or login_7d; login_in_range for the global holdout',
  },
  { name: 'arm', type: 'string', description: 'variant id, "holdout", "global-holdout" or "everyone-else"' },
  count('exposed', 'contacts in the arm (for login_7d: those whose 7-day window has closed)'),
  count('successes', 'of those, contacts who opened, clicked, reached the goal or logged in within 7 days'),
  rate('rate', 'successes ÷ exposed'),
  rate('ci_low', 'lower end of the 95% Wilson interval of rate'),
  rate('ci_high', 'upper end of the 95% Wilson interval of rate'),
  rate('p_vs_other_variants', 'two-sided p-value of this arm against the other variants pooled'),
  rate('p_vs_holdout', 'two-sided p-value of this arm against the holdout'),
  rate('lift_vs_holdout_pts', '(rate − holdout rate) × 100, in percentage points'),
  {
    name: 'verdict',
    type: 'string',
    description: 'winner: <arm>, not enough data yet, no significant difference, or one variant only',
  },
  {
    name: 'winner',
    type: 'string',
    nullable: true,
    description: 'the winning arm, when the verdict names one',
  },
  {
    name: 'more_per_arm',
    type: 'bigint',
    nullable: true,
    description: 'about how many more contacts each arm needs before a winner can be named',
  },
]);
