import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/adapters/powertools-metrics.ts';
import { METRIC } from '../../functions/app/ports.ts';

/** The topic every lowtouch alarm notifies: encrypted with a rotated key that CloudWatch may use, SSL only. */
export function createAlarmTopic(scope: Construct): sns.Topic {
  const key = new kms.Key(scope, 'AlarmTopicKey', {
    description: 'lowtouch: encrypts the alarm topic',
    enableKeyRotation: true,
  });
  // CloudWatch alarms publish to an encrypted topic only if they may use its key.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      resources: ['*'],
    }),
  );
  const topic = new sns.Topic(scope, 'AlarmTopic', {
    displayName: 'lowtouch alarms',
    masterKey: key,
    enforceSSL: true,
  });
  // enforceSSL gives the topic a resource policy, and once a topic has one, CloudWatch may publish
  // only if it allows it; the source-account condition keeps other accounts' alarms out.
  const stack = Stack.of(scope);
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccount',
      actions: ['sns:Publish'],
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  return topic;
}

/** SES reviews an account at these rates; the breaker thresholds must stay below them. */
const SES_REVIEW_RATE = { bounce: 0.05, complaint: 0.001 } as const;

/** Alarms on the account's SES reputation metrics (AWS/SES, no dimensions) at the breaker's thresholds. */
export function createReputationAlarms(
  scope: Construct,
  thresholds: { bounceRate: number; complaintRate: number },
  actions: cloudwatch.IAlarmAction[],
): cloudwatch.Alarm[] {
  const alarm = (id: string, metricName: string, threshold: number, what: keyof typeof SES_REVIEW_RATE) => {
    const created = new cloudwatch.Alarm(scope, id, {
      alarmDescription: `lowtouch: SES ${what} rate reached ${threshold}; SES reviews accounts at ${SES_REVIEW_RATE[what]}. Check the breaker and the recent campaigns.`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(15),
      }),
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const action of actions) created.addAlarmAction(action);
    return created;
  };
  return [
    alarm('BounceRateAlarm', 'Reputation.BounceRate', thresholds.bounceRate, 'bounce'),
    alarm('ComplaintRateAlarm', 'Reputation.ComplaintRate', thresholds.complaintRate, 'complaint'),
  ];
}

/**
 * Alarms on the operational metrics the functions emit (namespace lowtouch, see docs/runtime.md):
 * any malformed queue record, any send with an unknown outcome, any breaker trip.
 */
export function createOperationalAlarms(
  scope: Construct,
  actions: cloudwatch.IAlarmAction[],
): cloudwatch.Alarm[] {
  const alarm = (id: string, metricName: string, why: string) => {
    const created = new cloudwatch.Alarm(scope, id, {
      alarmDescription: `lowtouch: ${metricName} ≥ 1 in 5 minutes. ${why}`,
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: METRICS_SERVICE },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const action of actions) created.addAlarmAction(action);
    return created;
  };
  return [
    alarm(
      'MalformedRecordsAlarm',
      METRIC.malformedRecords,
      'A queue record did not parse and is on its way to the DLQ; the function log names the queue and the issue.',
    ),
    alarm(
      'UnknownOutcomesAlarm',
      METRIC.unknownOutcomes,
      'SES gave no answer for a send; it is not re-sent. Check the lowtouch.unknown-outcomes events.',
    ),
    alarm(
      'BreakerTripsAlarm',
      METRIC.breakerTrips,
      'The reputation breaker paused sending; `lowtouch breaker status` says why.',
    ),
  ];
}
