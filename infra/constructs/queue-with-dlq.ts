import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface QueueWithDlqProps {
  /** how long a received message stays invisible; at least 6x the consumer's timeout */
  visibilityTimeout: Duration;
  /** receives before a message moves to the DLQ */
  maxReceiveCount: number;
  /** alarm actions for the DLQ depth alarm */
  alarmActions: cloudwatch.IAlarmAction[];
  description: string;
}

/**
 * A work queue with its dead-letter queue and an alarm on the DLQ depth. Both queues are encrypted
 * (SSE-SQS) and refuse plain-HTTP access.
 */
export class QueueWithDlq extends Construct {
  readonly queue: sqs.Queue;
  readonly dlq: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    this.dlq = new DeadLetterQueue(this, 'Dlq', {
      description: `${props.description} (messages that failed ${props.maxReceiveCount} times)`,
      alarmActions: props.alarmActions,
      feeds: 'sqs-redrive',
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.dlq.queue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}

export interface DeadLetterQueueProps {
  description: string;
  alarmActions: cloudwatch.IAlarmAction[];
  /** who puts failed messages here */
  feeds: 'sqs-redrive' | 'scheduler' | 'event-rule' | 'lambda-async';
}

const FEEDER: Record<DeadLetterQueueProps['feeds'], string> = {
  'sqs-redrive': 'the redrive policy of its source queue',
  scheduler: 'the EventBridge Scheduler targets',
  'event-rule': 'the EventBridge rule targets',
  'lambda-async': 'the dead-letter config of the scheduled functions',
};

/** A dead-letter queue (14 days retention) that raises an alarm as soon as anything lands in it. */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.alarm = new cloudwatch.Alarm(this, 'DepthAlarm', {
      alarmDescription: `lowtouch: ${props.description} is not empty; inspect the messages, fix the cause, then redrive them.`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const action of props.alarmActions) this.alarm.addAlarmAction(action);
    Validations.of(this.queue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: `This is a terminal dead-letter queue fed by ${FEEDER[props.feeds]}; messages wait here (14 days, depth alarm) for inspection and redrive, so it has no DLQ of its own.`,
    });
    if (props.feeds === 'scheduler' || props.feeds === 'event-rule') {
      // AwsSolutions-SQS3 recognizes a DLQ only through another queue's redrive policy.
      Validations.of(this.queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself the dead-letter queue of ${FEEDER[props.feeds]}, which SQS redrive policies cannot express.`,
      });
    }
  }
}
