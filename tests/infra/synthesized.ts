import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { LowtouchApp } from '../../infra/build-app.ts';
import { buildTestApp } from './synth-helpers.ts';

export type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
export type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

export const MAX_SEND_RATE = 205;

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement): unknown[] =>
  Array.isArray(s.Resource) ? s.Resource : [s.Resource];

/** One in-process synth (no bundling) with the templates and lookups the infra tests share. */
export interface Synthesized {
  built: LowtouchApp;
  stateful: Template;
  stateless: Template;
  assemblyDir: string;
  logicalId(construct: { node: { defaultChild?: unknown } }): string;
  fnLogicalId(id: string): string;
  roleStatements(id: string): Statement[];
}

/** Synthesizes the app from the example config with a faster send rate and another time zone. */
export async function synthesize(): Promise<Synthesized> {
  const built = await buildTestApp({
    context: { 'lowtouch:maxSendRate': String(MAX_SEND_RATE), 'lowtouch:timeZone': 'America/New_York' },
  });
  // Throws when cdk-nag reports an unacknowledged error.
  const assemblyDir = built.app.synth().directory;
  const stateful = Template.fromStack(built.stateful);
  const stateless = Template.fromStack(built.stateless);
  const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
    built.stateless.getLogicalId(construct.node.defaultChild as CfnElement);
  const functionOf = (id: string) => {
    const fn = built.stateless.functions.get(id);
    if (!fn) throw new Error(`no function ${id}`);
    return fn;
  };
  return {
    built,
    stateful,
    stateless,
    assemblyDir,
    logicalId,
    fnLogicalId: (id) => logicalId(functionOf(id).fn),
    roleStatements: (id) => {
      const roleId = logicalId(functionOf(id).role);
      const policies = Object.values(stateless.findResources('AWS::IAM::Policy')) as Resource[];
      return policies
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    },
  };
}
