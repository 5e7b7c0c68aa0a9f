import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES, type TableSpec } from '../../functions/adapters/tables.ts';
import { DYNAMODB_ACTIONS, FUNCTIONS } from '../../infra/functions.ts';
import { REPO_ROOT } from './synth-helpers.ts';
import {
  actionsOf,
  type Resource,
  resourcesOf,
  type Statement,
  type Synthesized,
  synthesize,
} from './synthesized.ts';

// One synth per file (bundling off: tests/infra/cdk-synth.test.ts covers it).
let built: Synthesized['built'];
let stateless: Synthesized['stateless'];
let assemblyDir: string;
let logicalId: Synthesized['logicalId'];
let roleStatements: Synthesized['roleStatements'];

beforeAll(async () => {
  ({ built, stateless, assemblyDir, logicalId, roleStatements } = await synthesize());
}, 180_000);

describe('least privilege', () => {
  it('no statement uses "*" actions, and "*" resources only for X-Ray', () => {
    for (const policy of Object.values(stateless.findResources('AWS::IAM::Policy')) as Resource[]) {
      for (const statement of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
        for (const action of actionsOf(statement)) expect(action).not.toMatch(/(^\*$|:\*$)/);
        if (resourcesOf(statement).includes('*')) {
          expect(actionsOf(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        }
      }
    }
  });

  it('ses:SendEmail is granted only on the identity and the configuration set, and only to senders', () => {
    for (const spec of FUNCTIONS) {
      const statements = roleStatements(spec.id).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('ses:')),
      );
      if (!spec.sendsEmail) {
        expect(statements, spec.id).toEqual([]);
        continue;
      }
      expect(statements).toHaveLength(1);
      const [statement] = statements;
      expect(statement && actionsOf(statement)).toEqual(['ses:SendEmail']);
      const resources = JSON.stringify(statement?.Resource);
      expect(statement && resourcesOf(statement)).toHaveLength(2);
      expect(resources).toContain(':identity/');
      expect(resources).toContain(':configuration-set/');
    }
  });

  it("DynamoDB actions follow each function's declared access, on named tables and indexes", () => {
    // Statements may be merged (minimizePolicies), so compare, per table and index, the union of actions.
    const tableOf = (resource: unknown): { table: string; index?: string } | undefined => {
      const text = JSON.stringify(resource);
      const table = /Table([a-z]+)[0-9A-F]{8}Arn/.exec(text)?.[1];
      if (!table) return undefined;
      const index = /\/index\/([A-Za-z]+)/.exec(text)?.[1];
      return index ? { table, index } : { table };
    };
    for (const spec of FUNCTIONS) {
      const granted = new Map<string, Set<string>>();
      for (const statement of roleStatements(spec.id)) {
        const dynamo = actionsOf(statement).filter((a) => a.startsWith('dynamodb:'));
        if (dynamo.length === 0) continue;
        for (const resource of resourcesOf(statement)) {
          const target = tableOf(resource);
          expect(target, `${spec.id}: ${JSON.stringify(resource)}`).toBeDefined();
          if (!target) continue;
          const key = target.index ? `${target.table}/${target.index}` : target.table;
          const set = granted.get(key) ?? new Set<string>();
          for (const action of dynamo) set.add(action);
          granted.set(key, set);
        }
      }
      const expected = new Map<string, string[]>();
      for (const [tableId, access] of Object.entries(spec.tables)) {
        expected.set(tableId, DYNAMODB_ACTIONS[access]);
        const tableSpec: TableSpec | undefined = Object.values(TABLES).find((t) => t.id === tableId);
        if (access === 'write') continue;
        for (const index of tableSpec?.indexes ?? []) {
          expected.set(`${tableId}/${index.indexName}`, DYNAMODB_ACTIONS[access]);
        }
      }
      expect(
        Object.fromEntries([...granted].map(([key, actions]) => [key, [...actions].sort()])),
        spec.id,
      ).toEqual(Object.fromEntries([...expected].map(([key, actions]) => [key, [...actions].sort()])));
    }
    // The exporter and the tick never write to DynamoDB.
    for (const id of ['ExportKpis', 'Tick']) {
      const actions = roleStatements(id).flatMap(actionsOf);
      expect(actions.filter((a) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toEqual([]);
    }
  });

  it('the DynamoDB actions cover every document-client command the adapters in a function bundle send', async () => {
    // Only what a handler can reach counts: local-only adapters (creating dynalite tables) never run in Lambda.
    const bundled = await build({
      entryPoints: FUNCTIONS.map((spec) => join(REPO_ROOT, 'functions', 'handlers', spec.file)),
      absWorkingDir: REPO_ROOT,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      outdir: join(REPO_ROOT, 'cdk.out', 'least-privilege'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const adapters = Object.keys(bundled.metafile.inputs).filter((path) =>
      path.startsWith('functions/adapters/'),
    );
    expect(adapters).toContain('functions/adapters/dynamo-contacts.ts');
    expect(adapters).not.toContain('functions/adapters/local-tables.ts');
    const used = new Set<string>();
    for (const file of adapters) {
      const source = readFileSync(join(REPO_ROOT, file), 'utf8');
      if (!source.includes("from '@aws-sdk/lib-dynamodb'")) continue;
      for (const match of source.matchAll(/new (\w+)Command\(/g)) used.add(match[1] ?? '');
    }
    const toAction: Record<string, string> = {
      Get: 'dynamodb:GetItem',
      Put: 'dynamodb:PutItem',
      Update: 'dynamodb:UpdateItem',
      Delete: 'dynamodb:DeleteItem',
      Query: 'dynamodb:Query',
      Scan: 'dynamodb:Scan',
      BatchGet: 'dynamodb:BatchGetItem',
      BatchWrite: 'dynamodb:BatchWriteItem',
    };
    expect(used.size).toBeGreaterThan(0);
    for (const command of used) {
      expect(
        toAction[command],
        `${command}Command has no IAM mapping (transactions are not used)`,
      ).toBeDefined();
      expect(DYNAMODB_ACTIONS.readWrite).toContain(toAction[command]);
    }
  });

  it('each function writes logs only to its own log group', () => {
    for (const spec of FUNCTIONS) {
      const fn = built.stateless.functions.get(spec.id);
      const logs = roleStatements(spec.id).filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
      expect(logs).toHaveLength(1);
      expect(logs[0]?.Resource).toEqual({ 'Fn::GetAtt': [fn && logicalId(fn.logGroup), 'Arn'] });
    }
  });

  it('uses no AWS managed policies', () => {
    for (const role of Object.values(stateless.findResources('AWS::IAM::Role')) as Resource[]) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('cdk-nag', () => {
  it('AwsSolutions and Serverless report no unacknowledged errors or warnings', () => {
    const report = JSON.parse(readFileSync(join(assemblyDir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[];
    };
    const findings = report.pluginReports
      .filter((r) => r.pluginName !== 'CloudFormation Validate')
      .flatMap((r) => r.violations.map((v) => `${r.pluginName} ${v.severity} ${v.ruleName}`));
    expect(findings).toEqual([]);
    // The same packs run directly over the synthesized tree: nothing left, warnings included.
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const result = pack.validateScope(built.app);
      expect(result.violations.map((v) => `${v.severity} ${v.ruleName}`)).toEqual([]);
    }
  });

  it('every acknowledgement names one rule (and one finding for IAM5) with a real reason', () => {
    const acks = built.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) {
      expect(id).toMatch(/(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[[^\]]+\])?$/);
      if (id.includes('IAM5')) expect(id).toMatch(/IAM5\[Resource::[^\]]+\]$/);
      expect(reason.length, id).toBeGreaterThan(60);
    }
  });
});
