import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/adapters/env-keys.ts';
import { TABLES, type TableSpec } from '../../functions/adapters/tables.ts';
import { EMAIL_KPI_COLUMNS } from '../../functions/core/kpi-columns.ts';
import type { LowtouchApp } from '../../infra/build-app.ts';
import { DYNAMODB_ACTIONS, FUNCTIONS } from '../../infra/functions.ts';
import { SES_EVENT_TYPES } from '../../infra/stateful-stack.ts';
import { buildTestApp, REPO_ROOT } from './synth-helpers.ts';

// One synth for the whole file (bundling off: tests/infra/cdk-synth.test.ts covers it).
let built: LowtouchApp;
let stateful: Template;
let stateless: Template;
let assemblyDir: string;

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

const MAX_SEND_RATE = 205;

beforeAll(async () => {
  built = await buildTestApp({
    context: { 'lowtouch:maxSendRate': String(MAX_SEND_RATE), 'lowtouch:timeZone': 'America/New_York' },
  });
  // Throws when cdk-nag reports an unacknowledged error.
  assemblyDir = built.app.synth().directory;
  stateful = Template.fromStack(built.stateful);
  stateless = Template.fromStack(built.stateless);
}, 180_000);

function logicalId(construct: { node: { defaultChild?: unknown } }): string {
  return built.stateless.getLogicalId(construct.node.defaultChild as CfnElement);
}

function fnLogicalId(id: string): string {
  const fn = built.stateless.functions.get(id);
  if (!fn) throw new Error(`no function ${id}`);
  return logicalId(fn.fn);
}

function roleStatements(id: string): Statement[] {
  const fn = built.stateless.functions.get(id);
  if (!fn) throw new Error(`no function ${id}`);
  const roleId = logicalId(fn.role);
  const policies = Object.values(stateless.findResources('AWS::IAM::Policy')) as Resource[];
  return policies
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

describe('functions', () => {
  it('run Node.js 22 on arm64 with tracing, JSON logs and a log group with retention', () => {
    const functions = stateless.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(FUNCTIONS.length);
    for (const fn of Object.values(functions) as Resource[]) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: expect.anything() },
      });
      expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(256);
      expect(fn.Properties.Timeout).toBeGreaterThan(3);
    }
    stateless.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, FUNCTIONS.length);
  });

  it('share one environment: every table, source maps, the bundled program directory', () => {
    for (const fn of Object.values(stateless.findResources('AWS::Lambda::Function')) as Resource[]) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      for (const spec of Object.values(TABLES)) expect(variables).toHaveProperty(spec.envKey);
      expect(variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        [ENV.programDir]: '/var/task/program',
        [ENV.maxSendRate]: String(MAX_SEND_RATE),
        [ENV.senderConcurrency]: '21',
        [ENV.fromAddress]: 'success@mail.example.com',
      });
    }
  });

  it('give scheduled functions a dead-letter queue for failed async invocations', () => {
    for (const spec of FUNCTIONS.filter((f) => f.trigger.kind === 'schedule')) {
      const fn = stateless.toJSON().Resources[fnLogicalId(spec.id)] as Resource;
      expect(fn.Properties.DeadLetterConfig).toEqual({ TargetArn: expect.anything() });
    }
  });
});

describe('schedules', () => {
  const expected = [
    { id: 'Tick', expression: 'cron(0 * * * ? *)' },
    { id: 'NightlyHealth', expression: 'cron(0 2 * * ? *)' },
    { id: 'ExportKpis', expression: 'cron(0 4 * * ? *)' },
  ];

  it.each(expected)(
    '$id runs on $expression in the configured zone, with retries and a DLQ',
    ({ id, expression }) => {
      stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'America/New_York',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [fnLogicalId(id), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: Match.anyValue() },
          DeadLetterConfig: { Arn: Match.anyValue() },
        },
      });
    },
  );

  it('has exactly these three schedules', () => {
    stateless.resourceCountIs('AWS::Scheduler::Schedule', expected.length);
  });
});

describe('SES', () => {
  it('has a configuration set with reputation metrics and an event destination to the default bus', () => {
    stateful.hasResourceProperties('AWS::SES::ConfigurationSet', {
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
    });
    stateful.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(SES_EVENT_TYPES),
        EventBridgeDestination: {
          EventBusArn: {
            'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':event-bus/default$')])],
          },
        },
      },
    });
    expect(SES_EVENT_TYPES).toHaveLength(10);
  });

  it('creates the identity with Easy DKIM and the custom MAIL FROM domain of the example config', () => {
    stateful.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'mail.example.com',
      DkimAttributes: { SigningEnabled: true },
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      MailFromAttributes: {
        MailFromDomain: 'bounce.mail.example.com',
        BehaviorOnMxFailure: 'REJECT_MESSAGE',
      },
    });
  });

  it("routes only this configuration set's SES events from the default bus to the tracker queue", () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'default',
      EventPattern: {
        source: ['aws.ses'],
        detail: { mail: { tags: { 'ses:configuration-set': [Match.anyValue()] } } },
      },
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [logicalId(built.stateless.queues.emailEvents.queue), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        },
      ],
    });
  });

  it('routes product usage events from the custom bus to the ingest queue', () => {
    stateless.resourceCountIs('AWS::Events::EventBus', 1);
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalId(built.stateless.usageBus) },
      EventPattern: { source: ['lowtouch.usage'] },
      Targets: [
        Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() }, RetryPolicy: Match.anyValue() }),
      ],
    });
  });

  it('alarms on the account bounce and complaint rates at the breaker thresholds', () => {
    for (const [metric, threshold] of [
      ['Reputation.BounceRate', 0.025],
      ['Reputation.ComplaintRate', 0.0005],
    ] as const) {
      stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SES',
        MetricName: metric,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: Match.anyValue() }],
      });
    }
  });
});

describe('queues', () => {
  it('every queue has a DLQ: a redrive policy, or it is itself a DLQ of a queue, schedule, rule or function', () => {
    const template = stateless.toJSON();
    const json = JSON.stringify(template.Resources);
    const queues = stateless.findResources('AWS::SQS::Queue') as Record<string, Resource>;
    expect(Object.keys(queues).length).toBe(11);
    for (const [id, queue] of Object.entries(queues)) {
      const hasDlq = queue.Properties.RedrivePolicy !== undefined;
      const isDlq = (json.match(new RegExp(`"Fn::GetAtt":\\["${id}","Arn"\\]`, 'g')) ?? []).length > 0;
      const referencedAsDeadLetter =
        json.includes(`"deadLetterTargetArn":{"Fn::GetAtt":["${id}","Arn"]}`) ||
        json.includes(`"DeadLetterConfig":{"Arn":{"Fn::GetAtt":["${id}","Arn"]}}`) ||
        json.includes(`"DeadLetterConfig":{"TargetArn":{"Fn::GetAtt":["${id}","Arn"]}}`);
      expect(hasDlq || (isDlq && referencedAsDeadLetter), `${id} has no DLQ and is no DLQ`).toBe(true);
      if (!hasDlq) {
        // A DLQ raises an alarm as soon as anything lands in it.
        stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
          Threshold: 1,
        });
      }
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    }
  });

  it('consumers report partial batch failures, and the sender concurrency follows the max send rate', () => {
    const mappings = Object.values(stateless.findResources('AWS::Lambda::EventSourceMapping')) as Resource[];
    expect(mappings).toHaveLength(4);
    for (const mapping of mappings)
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnLogicalId('SendStep') },
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 21 },
    });
  });

  it('gives each queue a visibility timeout of at least six times its consumer timeout', () => {
    for (const spec of FUNCTIONS) {
      if (spec.trigger.kind !== 'queue') continue;
      const queue = built.stateless.queues[spec.trigger.queue].queue;
      const props = (stateless.toJSON().Resources[logicalId(queue)] as Resource).Properties;
      expect(props.VisibilityTimeout).toBeGreaterThanOrEqual(spec.timeoutSeconds * 6);
    }
  });
});

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

  it('the DynamoDB actions cover every document-client command the adapters send', () => {
    const dir = join(REPO_ROOT, 'functions', 'adapters');
    const used = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
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

describe('tables', () => {
  it('creates every table of the shared spec: on demand, PITR, TTL where designed, GSIs, retained', () => {
    const tables = stateful.findResources('AWS::DynamoDB::GlobalTable') as Record<string, Resource>;
    expect(Object.keys(tables)).toHaveLength(Object.keys(TABLES).length);
    for (const spec of Object.values(TABLES) as TableSpec[]) {
      const entry = Object.entries(tables).find(([id]) => id.startsWith(`Table${spec.id}`));
      expect(entry, spec.id).toBeDefined();
      const [, table] = entry ?? ['', { Type: '', Properties: {} }];
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
          ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' }] : []),
        ],
        Replicas: [
          expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ],
      });
      if (spec.ttlAttribute) {
        expect(table.Properties.TimeToLiveSpecification).toEqual({
          AttributeName: spec.ttlAttribute,
          Enabled: true,
        });
      } else {
        expect(table.Properties.TimeToLiveSpecification).toBeUndefined();
      }
      const indexNames = ((table.Properties.GlobalSecondaryIndexes ?? []) as { IndexName: string }[]).map(
        (i) => i.IndexName,
      );
      expect(indexNames).toEqual((spec.indexes ?? []).map((i) => i.indexName));
    }
  });
});

describe('stateful resources', () => {
  it('keeps KPI exports in an encrypted, private, SSL-only bucket with lifecycle rules', () => {
    stateful.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: Match.anyValue(),
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Prefix: 'kpi/', ExpirationInDays: 400, Status: 'Enabled' }),
          ]),
        },
      }),
    });
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('keeps the signing key in Secrets Manager, retained', () => {
    stateful.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) }),
    });
  });

  it("catalogs the email KPI CSVs in Glue, partitioned by dt, with the exporter's column list", () => {
    stateful.resourceCountIs('AWS::Glue::Database', 1);
    stateful.hasResourceProperties('AWS::Glue::Table', {
      TableInput: {
        Name: 'email_kpis',
        PartitionKeys: [{ Name: 'dt', Type: 'string', Comment: Match.anyValue() }],
        Parameters: Match.objectLike({ 'projection.enabled': 'true', 'skip.header.line.count': '1' }),
        StorageDescriptor: Match.objectLike({
          Columns: EMAIL_KPI_COLUMNS.map((c) => ({ Name: c.name, Type: c.type, Comment: c.description })),
        }),
      },
    });
  });
});

describe('unsubscribe', () => {
  it('is a public Function URL (the function checks the HMAC token itself)', () => {
    stateless.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [fnLogicalId('Unsubscribe'), 'Arn'] },
    });
    stateless.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      Principal: '*',
      FunctionUrlAuthType: 'NONE',
    });
  });

  it('gives the sender the URL to put in List-Unsubscribe', () => {
    const sender = stateless.toJSON().Resources[fnLogicalId('SendStep')] as Resource;
    const variables = (sender.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(variables[ENV.unsubscribeBaseUrl])).toContain('FunctionUrl');
  });
});

describe('outputs', () => {
  it('name every env var that `lowtouch --aws` needs in the output descriptions', () => {
    const described = [stateful, stateless].flatMap((t) =>
      Object.values(t.toJSON().Outputs as Record<string, { Description?: string }>).map((o) => o.Description),
    );
    const needed = [
      ...Object.values(TABLES).map((t) => t.envKey),
      ENV.configurationSet,
      ENV.exportBucket,
      ENV.signingSecretArn,
      ENV.identityArn,
      ENV.usageBusName,
      ENV.planQueueUrl,
      ENV.sendQueueUrl,
      ENV.unsubscribeBaseUrl,
    ];
    for (const key of needed) expect(described, key).toContain(key);
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
