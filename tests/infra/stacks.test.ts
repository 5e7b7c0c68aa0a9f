import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/adapters/env-keys.ts';
import { InMemoryExportSink } from '../../functions/adapters/memory/export-sink.ts';
import { TABLES, type TableSpec } from '../../functions/adapters/tables.ts';
import { exportKpis, snapshotKpiSource } from '../../functions/app/export-kpis.ts';
import { EMAIL_KPI_COLUMNS } from '../../functions/core/kpi/columns.ts';
import { csvFolder, EXPORT_TABLES } from '../../functions/core/kpi/exports.ts';
import { FUNCTIONS } from '../../infra/functions.ts';
import { SES_EVENT_TYPES } from '../../infra/stateful-stack.ts';
import { generateKpiFixture } from '../unit/kpi/helpers/fixtures.ts';
import { MAX_SEND_RATE, type Resource, type Synthesized, synthesize } from './synthesized.ts';

// One synth per file (bundling off: tests/infra/cdk-synth.test.ts covers it).
let built: Synthesized['built'];
let stateful: Synthesized['stateful'];
let stateless: Synthesized['stateless'];
let logicalId: Synthesized['logicalId'];
let fnLogicalId: Synthesized['fnLogicalId'];

/** Athena's partition placeholder, as the Glue location template spells it. */
const DT = ['$', '{dt}'].join('');

beforeAll(async () => {
  ({ built, stateful, stateless, logicalId, fnLogicalId } = await synthesize());
}, 180_000);

describe('functions', () => {
  it('run Node.js 22 on arm64 with JSON logs and a log group with retention', () => {
    const functions = stateless.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(FUNCTIONS.length);
    for (const fn of Object.values(functions) as Resource[]) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
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

  it('trace every invocation with X-Ray, except the two high-volume event consumers', () => {
    for (const spec of FUNCTIONS) {
      const fn = stateless.toJSON().Resources[fnLogicalId(spec.id)] as Resource;
      const mode = spec.tracing === 'pass-through' ? 'PassThrough' : 'Active';
      expect(fn.Properties.TracingConfig, spec.id).toEqual({ Mode: mode });
    }
    const passThrough = FUNCTIONS.filter((f) => f.tracing === 'pass-through').map((f) => f.id);
    expect(passThrough).toEqual(['RecordEmailEvents', 'IngestUsage']);
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

  it('declares a Glue table per KPI CSV whose folder holds exactly that CSV in every export', async () => {
    const tables = Object.values(stateful.findResources('AWS::Glue::Table')) as Resource[];
    expect(tables).toHaveLength(EXPORT_TABLES.length);
    const sink = new InMemoryExportSink();
    const world = generateKpiFixture({ accounts: 6 });
    await exportKpis(
      { to: '2026-11-21', campaigns: world.campaigns },
      { source: snapshotKpiSource(world), sink, clock: { now: () => Date.parse('2026-11-22T06:00:00Z') } },
    );
    const keys = [...sink.objects.keys()];
    for (const exportTable of EXPORT_TABLES) {
      const name = exportTable.name.replaceAll('-', '_');
      const found = tables.find((t) => (t.Properties.TableInput as { Name: string }).Name === name);
      if (!found) throw new Error(`no Glue table ${name}`);
      const input = found.Properties.TableInput as {
        Parameters: Record<string, unknown>;
        StorageDescriptor: { Columns: unknown[] };
      };
      expect(input.StorageDescriptor.Columns).toEqual(
        exportTable.columns.map((c) => ({ Name: c.name, Type: c.type, Comment: c.description })),
      );
      // s3://<bucket>/kpi/dt=${dt}/<table>/ as an Fn::Join of the bucket reference and the folder.
      const template = input.Parameters['storage.location.template'] as { 'Fn::Join': [string, unknown[]] };
      const parts = template['Fn::Join'][1];
      const folder = parts.at(-1);
      expect(parts[0]).toBe('s3://');
      expect(folder).toBe(`/kpi/dt=${DT}/${exportTable.name}/`);
      const dayFolder = csvFolder('2026-11-21', exportTable.name);
      expect(keys.filter((key) => key.startsWith(dayFolder))).toEqual([
        `${dayFolder}${exportTable.name}.csv`,
      ]);
    }
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
