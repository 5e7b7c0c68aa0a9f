import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env-keys.ts';
import { TABLES, type TableSpec } from '../functions/adapters/tables.ts';
import { USAGE_EVENT_SOURCE } from '../functions/core/tracking/usage-events.ts';
import { logicalIdOf, retention, tableById } from './cdk-helpers.ts';
import type { LowtouchConfig } from './config.ts';
import { createAlarmTopic, createOperationalAlarms, createReputationAlarms } from './constructs/alarms.ts';
import { LowtouchFunction } from './constructs/lowtouch-function.ts';
import { DeadLetterQueue, QueueWithDlq } from './constructs/queue-with-dlq.ts';
import {
  DYNAMODB_ACTIONS,
  FUNCTIONS,
  type FunctionSpec,
  type QueueId,
  type ScheduleId,
} from './functions.ts';
import { senderMaxConcurrency, visibilityTimeoutSeconds } from './sizing.ts';
import type { StatefulStack } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  config: LowtouchConfig;
  stateful: StatefulStack;
  /** repository root (package-lock.json, functions/) */
  projectRoot: string;
  /** absolute directory holding campaigns/ and templates/ */
  programDir: string;
  /** env var naming the bundled program directory */
  programDirEnvKey: string;
  /** precompiled templates (templates.json) to ship beside campaigns/ and templates/ */
  templatesBundle?: string;
}

/** A function listed in infra/functions.ts has no handler file to bundle. */
export class MissingHandlerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MissingHandlerError';
  }
}

const SCHEDULES: Record<ScheduleId, { description: string; maxEventAge: Duration }> = {
  tick: { description: 'lowtouch: hourly planning tick', maxEventAge: Duration.minutes(30) },
  nightly: { description: 'lowtouch: nightly health, tiers and CTAs', maxEventAge: Duration.hours(6) },
  export: { description: 'lowtouch: daily KPI export', maxEventAge: Duration.hours(6) },
};

/**
 * The replaceable part: functions, queues, schedules, event rules, the usage bus, the unsubscribe
 * Function URL and the alarms. It reads the stateful stack's resources and grants each function
 * only what its entry in FUNCTIONS lists.
 */
export class StatelessStack extends Stack {
  readonly functions = new Map<string, LowtouchFunction>();
  readonly queues: Record<QueueId, QueueWithDlq>;
  readonly usageBus: events.EventBus;
  readonly alarmTopic: sns.Topic;
  readonly functionUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;

    this.alarmTopic = createAlarmTopic(this);
    const alarmActions = [new cwActions.SnsAction(this.alarmTopic)];

    const specOf = (queue: QueueId): FunctionSpec => {
      const spec = FUNCTIONS.find((f) => f.trigger.kind === 'queue' && f.trigger.queue === queue);
      if (!spec) throw new Error(`No function consumes the ${queue} queue; add one to infra/functions.ts.`);
      return spec;
    };
    const queue = (qid: QueueId, description: string, maxReceiveCount: number) =>
      new QueueWithDlq(this, `${qid[0]?.toUpperCase()}${qid.slice(1)}Queue`, {
        description,
        maxReceiveCount,
        alarmActions,
        visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(specOf(qid).timeoutSeconds)),
      });
    this.queues = {
      plan: queue('plan', 'plan-shard queue DLQ', 3),
      // Throttled sends are re-queued by the sender itself, so a receive count this high only trips on poison.
      send: queue('send', 'send queue DLQ', 5),
      emailEvents: queue('emailEvents', 'SES email events queue DLQ', 5),
      usage: queue('usage', 'usage events queue DLQ', 5),
    };
    const scheduleDlq = new DeadLetterQueue(this, 'ScheduleDlq', {
      description: 'Scheduler invocations DLQ',
      alarmActions,
      feeds: 'scheduler',
    });
    const asyncInvokeDlq = new DeadLetterQueue(this, 'AsyncInvokeDlq', {
      description: 'scheduled functions failed-invocation DLQ',
      alarmActions,
      feeds: 'lambda-async',
    });
    const ruleDlq = new DeadLetterQueue(this, 'EventRuleDlq', {
      description: 'EventBridge rule delivery DLQ',
      alarmActions,
      feeds: 'event-rule',
    });

    this.usageBus = new events.EventBus(this, 'UsageBus', {
      description: 'lowtouch: product usage events in, CTA and alert events out',
    });

    const environment: Record<string, string> = {
      [ENV.planQueueUrl]: this.queues.plan.queue.queueUrl,
      [ENV.sendQueueUrl]: this.queues.send.queue.queueUrl,
      [ENV.configurationSet]: stateful.configurationSet.configurationSetName,
      [ENV.fromAddress]: config.fromAddress,
      [ENV.fromName]: config.fromName,
      [ENV.identityArn]: stateful.identityArn,
      [ENV.usageBusName]: this.usageBus.eventBusName,
      [ENV.signingSecretArn]: stateful.signingSecret.secretArn,
      [ENV.exportBucket]: stateful.exportBucket.bucketName,
      [ENV.planShards]: String(config.planShards),
      [ENV.maxSendRate]: String(config.maxSendRate),
      [ENV.senderConcurrency]: String(senderMaxConcurrency(config.maxSendRate)),
      [ENV.breakerBounceRate]: String(config.breakerBounceRate),
      [ENV.breakerComplaintRate]: String(config.breakerComplaintRate),
    };
    for (const [tableId, table] of stateful.tables) environment[TABLES[tableId].envKey] = table.tableName;

    // The unsubscribe function goes first: the others need its URL unless a base URL is configured.
    const ordered = [...FUNCTIONS].sort(
      (a, b) => Number(b.trigger.kind === 'url') - Number(a.trigger.kind === 'url'),
    );
    let functionUrl: lambda.FunctionUrl | undefined;
    for (const spec of ordered) {
      const entry = join(props.projectRoot, 'functions', 'handlers', spec.file);
      if (!existsSync(entry)) {
        throw new MissingHandlerError(
          `lowtouch infra: the handler ${entry} for function ${spec.id} does not exist. Create it (exporting "handler") or remove the entry from infra/functions.ts.`,
        );
      }
      const unsubscribeBaseUrl = config.unsubscribeBaseUrl ?? functionUrl?.url;
      const fn = new LowtouchFunction(this, spec.id, {
        entry,
        projectRoot: props.projectRoot,
        programDir: props.programDir,
        programDirEnvKey: props.programDirEnvKey,
        templatesBundle: props.templatesBundle,
        description: `lowtouch ${spec.description}`,
        memorySize: spec.memorySize,
        timeout: Duration.seconds(spec.timeoutSeconds),
        logRetention: retention(config.logRetentionDays),
        environment: unsubscribeBaseUrl
          ? { ...environment, [ENV.unsubscribeBaseUrl]: unsubscribeBaseUrl }
          : environment,
        deadLetterQueue: spec.trigger.kind === 'schedule' ? asyncInvokeDlq.queue : undefined,
        ...(spec.tracing === 'pass-through' ? { tracing: lambda.Tracing.PASS_THROUGH } : {}),
      });
      if (spec.tracing === 'pass-through') {
        Validations.of(fn.fn).acknowledge({
          id: 'Serverless-LambdaTracing',
          reason: `${spec.id} runs several times per email or usage event; an X-Ray trace of every invocation would cost more than the function (docs/costs.md). Its failures show in its logs, its metrics and its queue's DLQ alarm.`,
        });
      }
      this.functions.set(spec.id, fn);
      this.grant(fn, spec, props);
      if (spec.trigger.kind === 'url') {
        functionUrl = fn.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
      } else if (spec.trigger.kind === 'queue') {
        this.consume(fn, spec.trigger.queue, spec, config);
      } else {
        this.schedule(fn, spec.trigger.schedule, config, scheduleDlq);
      }
    }
    if (!functionUrl)
      throw new Error('lowtouch infra: no function in infra/functions.ts serves the unsubscribe URL.');
    this.functionUrl = functionUrl;

    this.routeEvents(stateful, ruleDlq);
    createReputationAlarms(
      this,
      { bounceRate: config.breakerBounceRate, complaintRate: config.breakerComplaintRate },
      alarmActions,
    );
    createOperationalAlarms(this, alarmActions);

    // Outputs whose description is an env var name feed `lowtouch ... --aws` (see docs/deploy.md).
    new CfnOutput(this, 'UsageBusName', { value: this.usageBus.eventBusName, description: ENV.usageBusName });
    new CfnOutput(this, 'PlanQueueUrl', {
      value: this.queues.plan.queue.queueUrl,
      description: ENV.planQueueUrl,
    });
    new CfnOutput(this, 'SendQueueUrl', {
      value: this.queues.send.queue.queueUrl,
      description: ENV.sendQueueUrl,
    });
    new CfnOutput(this, 'UnsubscribeUrl', {
      value: config.unsubscribeBaseUrl ?? functionUrl.url,
      description: ENV.unsubscribeBaseUrl,
    });
    // The breaker's thresholds, so `lowtouch breaker status --aws` judges the window as the sender does.
    new CfnOutput(this, 'BreakerBounceRate', {
      value: String(config.breakerBounceRate),
      description: ENV.breakerBounceRate,
    });
    new CfnOutput(this, 'BreakerComplaintRate', {
      value: String(config.breakerComplaintRate),
      description: ENV.breakerComplaintRate,
    });
    new CfnOutput(this, 'UsageBusArn', {
      value: this.usageBus.eventBusArn,
      description: 'Grant events:PutEvents on this ARN to the product code that reports usage',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topicArn,
      description: 'Subscribe on-call addresses here: DLQ, bounce-rate and complaint-rate alarms',
    });
  }

  /** Adds the statements a function's spec lists, each naming its resources. */
  private grant(fn: LowtouchFunction, spec: FunctionSpec, props: StatelessStackProps): void {
    const { stateful } = props;
    for (const [tableId, access] of Object.entries(spec.tables)) {
      const table = tableById(stateful.tables, tableId);
      const spec: TableSpec = TABLES[table.id];
      const indexes = (spec.indexes ?? []).map((index) => `${table.table.tableArn}/index/${index.indexName}`);
      const readsIndexes = access !== 'write' && indexes.length > 0;
      fn.allow(DYNAMODB_ACTIONS[access], [table.table.tableArn, ...(readsIndexes ? indexes : [])]);
    }
    for (const target of spec.sendsTo ?? []) {
      fn.allow(['sqs:SendMessage'], [this.queues[target].queue.queueArn]);
    }
    if (spec.sendsEmail) {
      fn.allow(
        ['ses:SendEmail'],
        [
          stateful.identityArn,
          this.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: stateful.configurationSet.configurationSetName,
          }),
        ],
      );
    }
    if (spec.readsSigningKey) fn.allow(['secretsmanager:GetSecretValue'], [stateful.signingSecret.secretArn]);
    if (spec.putsEvents) fn.allow(['events:PutEvents'], [this.usageBus.eventBusArn]);
    if (spec.writesExports) {
      fn.allow(['s3:PutObject'], [`${stateful.exportBucketArn}/kpi/*`]);
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${stateful.exportBucketArnExportName}/kpi/*]`,
        reason:
          'The exporter writes new, date-partitioned keys (kpi/dt=YYYY-MM-DD/...) every day; the grant is limited to PutObject under the kpi/ prefix.',
      });
    }
  }

  private consume(fn: LowtouchFunction, queueId: QueueId, spec: FunctionSpec, config: LowtouchConfig): void {
    if (spec.trigger.kind !== 'queue') return;
    const source = new SqsEventSource(this.queues[queueId].queue, {
      batchSize: spec.trigger.batchSize,
      maxBatchingWindow:
        spec.trigger.maxBatchingWindowSeconds === undefined
          ? undefined
          : Duration.seconds(spec.trigger.maxBatchingWindowSeconds),
      reportBatchItemFailures: true,
      maxConcurrency: spec.trigger.sender ? senderMaxConcurrency(config.maxSendRate) : undefined,
    });
    fn.fn.addEventSource(source);
    // Acknowledged on the function, the parent of its event source mapping.
    Validations.of(fn.fn).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings do not support on-failure destinations; failed messages move to the queue DLQ through its redrive policy, and that DLQ has a depth alarm.',
    });
  }

  private schedule(
    fn: LowtouchFunction,
    scheduleId: ScheduleId,
    config: LowtouchConfig,
    dlq: DeadLetterQueue,
  ): void {
    const timeZone = TimeZone.of(config.timeZone);
    const expression =
      scheduleId === 'tick'
        ? scheduler.ScheduleExpression.cron({ minute: '0', timeZone })
        : scheduler.ScheduleExpression.cron({
            minute: '0',
            hour: String(scheduleId === 'nightly' ? config.nightlyHour : config.exportHour),
            timeZone,
          });
    const { description, maxEventAge } = SCHEDULES[scheduleId];
    const role = new iam.Role(this, `${fn.node.id}ScheduleRole`, {
      description: `lowtouch: lets EventBridge Scheduler invoke ${fn.node.id}`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    new scheduler.Schedule(this, `${fn.node.id}Schedule`, {
      description,
      schedule: expression,
      target: new schedulerTargets.LambdaInvoke(fn.fn, {
        role,
        deadLetterQueue: dlq.queue,
        retryAttempts: 3,
        maxEventAge,
        input: scheduler.ScheduleTargetInput.fromObject({
          job: scheduleId,
          time: scheduler.ContextAttribute.scheduledTime,
          executionId: scheduler.ContextAttribute.executionId,
        }),
      }),
    });
    // The target construct grants lambda:InvokeFunction on the function and on "<arn>:*" (its versions).
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(fn.fn)}.Arn>:*]`,
      reason: `The Scheduler role may invoke only the ${fn.node.id} function; the ":*" suffix added by the target construct covers that function's versions and aliases, nothing else.`,
    });
  }

  /** SES events (default bus, this configuration set only) and product usage events (custom bus) into their queues. */
  private routeEvents(stateful: StatefulStack, dlq: DeadLetterQueue): void {
    const targetOptions = { deadLetterQueue: dlq.queue, retryAttempts: 8, maxEventAge: Duration.hours(24) };
    new events.Rule(this, 'SesEventsRule', {
      description: 'lowtouch: SES email events of the lowtouch configuration set',
      eventBus: events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      eventPattern: {
        source: ['aws.ses'],
        detail: {
          mail: { tags: { 'ses:configuration-set': [stateful.configurationSet.configurationSetName] } },
        },
      },
      targets: [new eventTargets.SqsQueue(this.queues.emailEvents.queue, targetOptions)],
    });
    new events.Rule(this, 'UsageEventsRule', {
      description: 'lowtouch: product usage events',
      eventBus: this.usageBus,
      eventPattern: { source: [USAGE_EVENT_SOURCE] },
      targets: [new eventTargets.SqsQueue(this.queues.usage.queue, targetOptions)],
    });
  }
}
