// Waits with branches: a wait step sends nothing; it holds a contact until a condition is true (then) or a
// timeout passes (else), and leads to one of two steps. Those steps are due `after` the branch was taken,
// and only on the branch taken. Checked here: unknown step ids, keys a wait would ignore, branch targets
// with a timing of their own, steps that no path reaches, and waits that lead back to themselves.
import { parseDuration } from '../shared/duration.ts';
import type { CompiledStep } from './program.ts';
import type { StepSpec } from './program-schema.ts';
import { compileRule, type DocPath, type RuleEnv } from './rules.ts';

/** The ids of the steps some wait's branch leads to. */
export function branchTargets(specs: readonly StepSpec[]): Set<string> {
  const targets = new Set<string>();
  for (const spec of specs) {
    if (!spec.wait) continue;
    targets.add(spec.wait.then);
    targets.add(spec.wait.else);
  }
  return targets;
}

const IGNORED_BY_WAIT = ['template', 'variants', 'bySegment', 'bypassFrequencyCap'] as const;

/**
 * Fills `wait` and `reachedFrom` on compiled steps (same order as specs) and reports every problem of
 * the branch graph to env.issues. `indexOf` maps a spec position to its position in the file.
 */
export function compileBranches(
  specs: readonly StepSpec[],
  steps: CompiledStep[],
  env: RuleEnv,
  indexOf: (i: number) => number,
): void {
  const ids = new Map(specs.map((spec, i) => [spec.id, i]));
  const known = specs.map((s) => s.id).join(', ');
  specs.forEach((spec, i) => {
    const wait = spec.wait;
    const step = steps[i];
    if (!wait || !step) return;
    const at: DocPath = ['steps', indexOf(i), 'wait'];
    for (const key of IGNORED_BY_WAIT)
      if (spec[key] !== undefined)
        env.issues.push({
          path: ['steps', indexOf(i), key],
          atKey: true,
          message: `step "${spec.id}" is a wait and has ${key}: a wait sends nothing, so ${key} would never be used (move it to the step the wait leads to)`,
        });
    if (spec.channel === 'csm-alert')
      env.issues.push({
        path: ['steps', indexOf(i), 'channel'],
        atKey: true,
        message: `step "${spec.id}" is a wait and has channel csm-alert: a wait sends nothing (put the alert on the step the wait leads to)`,
      });
    for (const branch of ['then', 'else'] as const) {
      const target = wait[branch];
      if (!ids.has(target))
        env.issues.push({
          path: [...at, branch],
          message: `unknown step "${target}" in wait.${branch} (expected one of the campaign's steps: ${known})`,
        });
      else if (target === spec.id)
        env.issues.push({
          path: [...at, branch],
          message: `wait "${spec.id}" leads to itself in wait.${branch} (expected another step of the campaign)`,
        });
    }
    if (wait.then === wait.else)
      env.issues.push({
        path: [...at, 'else'],
        message: `wait "${spec.id}" leads to "${wait.then}" on both branches, so it decides nothing (point then and else at different steps, or drop the wait and time "${wait.then}" with after)`,
      });
    step.wait = {
      until: compileRule(wait.until, [...at, 'until'], env),
      timeoutMs: parseDuration(wait.timeout) ?? 0,
      // biome-ignore lint/suspicious/noThenProperty: then/else are the wait's branch keys in the campaign language
      then: wait.then,
      else: wait.else,
    };
  });

  const sources = new Map<string, string[]>();
  for (const spec of specs) {
    if (!spec.wait) continue;
    for (const target of new Set([spec.wait.then, spec.wait.else]))
      if (target !== spec.id) sources.set(target, [...(sources.get(target) ?? []), spec.id]);
  }
  specs.forEach((spec, i) => {
    const step = steps[i];
    const from = sources.get(spec.id);
    if (!step || !from) return;
    step.reachedFrom = from;
    for (const key of ['at', 'sendAt'] as const)
      if (spec[key] !== undefined)
        env.issues.push({
          path: ['steps', indexOf(i), key],
          atKey: true,
          message: `step "${spec.id}" is reached from wait "${from[0]}" and has ${key}: a step a wait leads to is timed from the branch (use after: 0d, or after: <delay> after the branch)`,
        });
  });
  reportCyclesAndUnreachable(specs, sources, env, indexOf);
}

function reportCyclesAndUnreachable(
  specs: readonly StepSpec[],
  sources: ReadonlyMap<string, readonly string[]>,
  env: RuleEnv,
  indexOf: (i: number) => number,
): void {
  const byId = new Map(specs.map((spec, i) => [spec.id, { spec, i }]));
  const next = (id: string): string[] => {
    const wait = byId.get(id)?.spec.wait;
    return wait ? [...new Set([wait.then, wait.else])].filter((t) => byId.has(t) && t !== id) : [];
  };
  // Roots are steps timed on their own (no wait leads to them); everything else must be reached from one.
  const reached = new Set<string>();
  const queue = specs.filter((s) => !sources.has(s.id)).map((s) => s.id);
  for (const id of queue) reached.add(id);
  while (queue.length > 0) {
    const id = queue.shift();
    if (id === undefined) break;
    for (const target of next(id))
      if (!reached.has(target)) {
        reached.add(target);
        queue.push(target);
      }
  }
  const cyclic = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    state.set(id, 'open');
    for (const target of next(id)) {
      if (state.get(target) === 'open') {
        const loop = [...path.slice(path.indexOf(target)), id, target];
        const first = byId.get(target);
        if (first && !cyclic.has(target)) {
          for (const member of loop) cyclic.add(member);
          env.issues.push({
            path: ['steps', indexOf(first.i), 'wait'],
            atKey: true,
            message: `the waits form a cycle: ${loop.join(' → ')} (a contact could wait forever; make one branch lead to a step that is not a wait, or out of the loop)`,
          });
        }
      } else if (!state.has(target)) visit(target, [...path, id]);
    }
    state.set(id, 'done');
  };
  for (const spec of specs) if (!state.has(spec.id)) visit(spec.id, []);
  specs.forEach((spec, i) => {
    if (reached.has(spec.id) || cyclic.has(spec.id)) return;
    env.issues.push({
      path: ['steps', indexOf(i), 'id'],
      message: `step "${spec.id}" can never be reached: only waits that are never reached lead to it (${(sources.get(spec.id) ?? []).join(', ')})`,
    });
  });
}
