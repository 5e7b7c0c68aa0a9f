// The experiment-kpis table: for every step with an A/B test or a holdout, each arm's open, click, goal and
// 7-day login rates with intervals and tests, and the verdict; plus the global holdout against everyone else.
import type { SendRecord } from '../sending/send.ts';
import { inGlobalHoldout } from '../shared/assign.ts';
import type { Contact } from '../shared/domain.ts';
import type { EXPERIMENT_KPI_COLUMNS } from './columns.ts';
import { reachedGoal } from './cs.ts';
import { addDays, type DayRange, inRange } from './dates.ts';
import { countsForEmailKpis, isHoldoutSkip, sendDay, wasSent } from './email.ts';
import { type ArmCounts, describeVerdict, judgeExperiment, MIN_SAMPLE_PER_ARM } from './experiments.ts';
import type { RowOf } from './format.ts';
import type { ContactEnrollment } from './inputs.ts';
import { LOGIN_WINDOW_DAYS, type LoginIndex } from './login.ts';

/** One experiment-kpis row. */
export type ExperimentKpiRow = RowOf<typeof EXPERIMENT_KPI_COLUMNS>;

type Metric = 'open' | 'click' | 'goal' | 'login_7d';
const METRICS: readonly Metric[] = ['open', 'click', 'goal', 'login_7d'];

/** What the experiment rows need besides the sends. */
export interface ExperimentInputs {
  range: DayRange;
  dataThrough: string;
  enrollments: readonly ContactEnrollment[];
  logins: LoginIndex;
  contacts: readonly Contact[];
  /** the policy's globalHoldout share (0–1); 0 leaves the global rows out */
  globalHoldoutShare: number;
  minSample?: number;
}

interface Unit {
  contactId: string;
  day: string;
  opened: boolean;
  clicked: boolean;
}

/** Experiment rows for every campaign step with two or more variants or a holdout, then the global holdout. */
export function experimentKpis(sends: readonly SendRecord[], input: ExperimentInputs): ExperimentKpiRow[] {
  const goals = new Set(
    input.enrollments
      .filter((e) => reachedGoal(e.enrollment))
      .map((e) => `${e.enrollment.campaignId}\u0000${e.contactId}`),
  );
  const steps = new Map<string, { campaignId: string; stepId: string; arms: Map<string, Unit[]> }>();
  for (const send of sends) {
    if (send.test === true || send.channel !== 'email') continue;
    const holdout = isHoldoutSkip(send);
    if (!holdout && !(countsForEmailKpis(send) && wasSent(send))) continue;
    const day = sendDay(send);
    if (!inRange(day, input.range)) continue;
    const key = `${send.campaignId}\u0000${send.stepId}`;
    let step = steps.get(key);
    if (!step) {
      step = { campaignId: send.campaignId, stepId: send.stepId, arms: new Map() };
      steps.set(key, step);
    }
    const arm = holdout ? 'holdout' : send.variantId;
    const units = step.arms.get(arm) ?? [];
    units.push({
      contactId: send.contactId,
      day,
      opened: send.firstOpenAt !== undefined,
      clicked: send.firstClickAt !== undefined,
    });
    step.arms.set(arm, units);
  }
  const rows: ExperimentKpiRow[] = [];
  const ordered = [...steps.values()].sort(
    (a, b) => a.campaignId.localeCompare(b.campaignId) || a.stepId.localeCompare(b.stepId),
  );
  for (const step of ordered) {
    const variantIds = [...step.arms.keys()].filter((arm) => arm !== 'holdout').sort();
    const holdoutUnits = step.arms.get('holdout');
    if (variantIds.length < 2 && !holdoutUnits) continue;
    for (const metric of METRICS) {
      const success = successOf(metric, step.campaignId, goals, input);
      const countArm = (arm: string, units: readonly Unit[]): ArmCounts => {
        const counted = units.filter((u) => metric !== 'login_7d' || windowClosed(u, input));
        return { arm, n: counted.length, successes: counted.filter(success).length };
      };
      const arms = variantIds.map((id) => countArm(id, step.arms.get(id) ?? []));
      // Opens and clicks have no meaning for contacts who were never mailed.
      const holdout =
        holdoutUnits && (metric === 'goal' || metric === 'login_7d')
          ? countArm('holdout', holdoutUnits)
          : undefined;
      rows.push(...rowsOf(step.campaignId, step.stepId, metric, arms, holdout, input.minSample));
    }
  }
  rows.push(...globalRows(input));
  return rows;
}

function windowClosed(unit: Unit, input: ExperimentInputs): boolean {
  return addDays(unit.day, LOGIN_WINDOW_DAYS - 1) <= input.dataThrough;
}

function successOf(
  metric: Metric,
  campaignId: string,
  goals: ReadonlySet<string>,
  input: ExperimentInputs,
): (unit: Unit) => boolean {
  switch (metric) {
    case 'open':
      return (u) => u.opened;
    case 'click':
      return (u) => u.clicked;
    case 'goal':
      return (u) => goals.has(`${campaignId}\u0000${u.contactId}`);
    case 'login_7d':
      return (u) => input.logins.sum(u.contactId, u.day, addDays(u.day, LOGIN_WINDOW_DAYS - 1)) > 0;
  }
}

function rowsOf(
  campaignId: string,
  stepId: string,
  metric: string,
  arms: readonly ArmCounts[],
  holdout: ArmCounts | undefined,
  minSample = MIN_SAMPLE_PER_ARM,
): ExperimentKpiRow[] {
  const result = judgeExperiment(arms, holdout, minSample);
  const verdict = describeVerdict(result.verdict);
  const winner = result.verdict.kind === 'winner' ? result.verdict.winner : null;
  const more = result.verdict.kind === 'not-enough-data' ? result.verdict.morePerArm : null;
  const base = { campaign_id: campaignId, step_id: stepId, metric, verdict, winner, more_per_arm: more };
  const rows: ExperimentKpiRow[] = result.arms.map((arm) => ({
    ...base,
    arm: arm.arm,
    exposed: arm.n,
    successes: arm.successes,
    rate: arm.rate,
    ci_low: arm.low,
    ci_high: arm.high,
    p_vs_other_variants: arm.pVsOthers,
    p_vs_holdout: arm.pVsHoldout,
    lift_vs_holdout_pts: arm.liftVsHoldout === null ? null : arm.liftVsHoldout * 100,
  }));
  if (result.holdout)
    rows.push({
      ...base,
      arm: 'holdout',
      exposed: result.holdout.n,
      successes: result.holdout.successes,
      rate: result.holdout.rate,
      ci_low: result.holdout.low,
      ci_high: result.holdout.high,
      p_vs_other_variants: null,
      p_vs_holdout: null,
      lift_vs_holdout_pts: null,
    });
  return rows;
}

/**
 * The program's lift: contacts signed up before the range ends, split by the global holdout draw, compared
 * on logging in during the range and on reaching any campaign's goal.
 */
function globalRows(input: ExperimentInputs): ExperimentKpiRow[] {
  if (input.globalHoldoutShare <= 0) return [];
  const lastDay = input.range.to < input.dataThrough ? input.range.to : input.dataThrough;
  const goalReached = new Set(
    input.enrollments.filter((e) => reachedGoal(e.enrollment)).map((e) => e.contactId),
  );
  const held: Contact[] = [];
  const treated: Contact[] = [];
  for (const contact of input.contacts) {
    if (contact.signedUpAt.slice(0, 10) > lastDay) continue;
    (inGlobalHoldout(contact.id, input.globalHoldoutShare) ? held : treated).push(contact);
  }
  const rows: ExperimentKpiRow[] = [];
  const metrics: [Metric, (c: Contact) => boolean][] = [
    ['login_7d', (c) => input.logins.sum(c.id, input.range.from, lastDay) > 0],
    ['goal', (c) => goalReached.has(c.id)],
  ];
  for (const [metric, success] of metrics) {
    const arms = [{ arm: 'everyone-else', n: treated.length, successes: treated.filter(success).length }];
    const holdout = { arm: 'global-holdout', n: held.length, successes: held.filter(success).length };
    const judged = rowsOf(
      'all-campaigns',
      '*',
      metric === 'login_7d' ? 'login_in_range' : metric,
      arms,
      holdout,
      input.minSample,
    );
    rows.push(...judged.map((row) => (row.arm === 'holdout' ? { ...row, arm: 'global-holdout' } : row)));
  }
  return rows;
}
