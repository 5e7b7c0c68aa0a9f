import type { PlanState } from '../../../functions/core/campaign/plan-state.ts';
import { emptyPlanState } from '../../../functions/core/campaign/plan-state.ts';
import {
  applyDecisions,
  type Decision,
  planContact,
  prepareAccounts,
} from '../../../functions/core/campaign/planner.ts';
import type { Program } from '../../../functions/core/campaign/program.ts';
import type { Account, Contact } from '../../../functions/core/shared/domain.ts';

export interface TickLog {
  at: number;
  decisions: Decision[];
}

/** Runs the planner for one contact at each instant, applying decisions like the runtime does. */
export function simulate(
  program: Program,
  account: Account,
  contactAt: (now: number) => Contact,
  instants: readonly number[],
  initial: PlanState = emptyPlanState(),
): { state: PlanState; log: TickLog[] } {
  let state = initial;
  const log: TickLog[] = [];
  for (const now of instants) {
    const prepared = prepareAccounts(program, [account], now).get(account.id);
    if (!prepared) throw new Error('account missing');
    const decisions = planContact(program, { contact: contactAt(now), account: prepared, state, now });
    state = applyDecisions(program, state, decisions, now);
    log.push({ at: now, decisions });
  }
  return { state, log };
}

/** Every hour from start (inclusive) for the given number of hours. */
export function hourly(start: number, hours: number): number[] {
  return Array.from({ length: hours }, (_, i) => start + i * 3_600_000);
}

export type SendDecision = Extract<Decision, { type: 'send' }> & { at: number };

export function sendsOf(log: TickLog[]): SendDecision[] {
  return log.flatMap((tick) =>
    tick.decisions.flatMap((d) => (d.type === 'send' ? [{ ...d, at: tick.at }] : [])),
  );
}

/** Plans once at `now` from a given state. */
export function planOnce(
  program: Program,
  account: Account,
  contact: Contact,
  now: number,
  state = emptyPlanState(),
) {
  const prepared = prepareAccounts(program, [account], now).get(account.id);
  if (!prepared) throw new Error('account missing');
  return planContact(program, { contact, account: prepared, state, now });
}
