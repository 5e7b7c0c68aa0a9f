import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LowtouchApp } from '../../infra/build-app.ts';
import { buildTestApp } from './synth-helpers.ts';
import { type Resource, type Synthesized, synthesize } from './synthesized.ts';

type PolicyStatement = {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
};

let example: Synthesized;
let withTracking: LowtouchApp;

beforeAll(async () => {
  // The example config (createIdentity: true), then the same with a custom tracking domain.
  example = await synthesize();
  withTracking = await buildTestApp({ context: { 'lowtouch:trackingDomain': 'links.mail.example.com' } });
}, 300_000);

describe('alarm topic', () => {
  const topicStatements = (): PolicyStatement[] => {
    const policies = Object.values(example.stateless.findResources('AWS::SNS::TopicPolicy')) as Resource[];
    expect(policies).toHaveLength(1);
    const document = policies[0]?.Properties.PolicyDocument as { Statement: PolicyStatement[] } | undefined;
    return document?.Statement ?? [];
  };

  it('lets CloudWatch alarms of this account publish, and nothing else', () => {
    const topicId = example.logicalId(example.built.stateless.alarmTopic);
    const allow = topicStatements().filter((s) => s.Effect === 'Allow');
    expect(allow).toEqual([
      {
        Sid: 'AllowCloudWatchAlarmsOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                // enablePartitionLiterals (cdk.json) writes the partition of the configured region.
                ['arn:aws:cloudwatch:eu-west-1:', { Ref: 'AWS::AccountId' }, ':alarm:*'],
              ],
            },
          },
        },
      },
    ]);
  });

  it('still refuses publishing without TLS', () => {
    const deny = topicStatements().filter((s) => s.Effect === 'Deny');
    expect(deny).toEqual([
      expect.objectContaining({
        Action: 'sns:Publish',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
  });

  it('every alarm notifies that topic, whose key CloudWatch may use', () => {
    const topicId = example.logicalId(example.built.stateless.alarmTopic);
    const alarms = Object.values(example.stateless.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(alarms.length).toBeGreaterThanOrEqual(8);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    example.stateless.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });
});

describe('open and click tracking', () => {
  it("uses SES's own tracking domain, and no warning, when no tracking domain is set", () => {
    const sets = Object.values(example.stateful.findResources('AWS::SES::ConfigurationSet')) as Resource[];
    expect(sets).toHaveLength(1);
    expect(sets[0]?.Properties).not.toHaveProperty('TrackingOptions');
    Annotations.fromStack(example.built.stateful).hasNoWarning('*', Match.stringLikeRegexp('trackingDomain'));
  });

  it('uses the custom tracking domain over HTTPS when one is set', () => {
    Template.fromStack(withTracking.stateful).hasResourceProperties('AWS::SES::ConfigurationSet', {
      TrackingOptions: { CustomRedirectDomain: 'links.mail.example.com', HttpsPolicy: 'REQUIRE' },
    });
  });

  it('warns at synth that the domain must wait for the identity created in the same stack', () => {
    Annotations.fromStack(withTracking.stateful).hasWarning(
      '*',
      Match.stringLikeRegexp(
        'trackingDomain "links.mail.example.com" is accepted by SES only once the identity "mail.example.com" is verified.*deploy again',
      ),
    );
  });

  it('an empty -c lowtouch:trackingDomain= sets no domain (to leave a file setting out on the first deploy)', async () => {
    const first = await buildTestApp({ context: { 'lowtouch:trackingDomain': '' } });
    expect(first.config.trackingDomain).toBeUndefined();
    const sets = Object.values(
      Template.fromStack(first.stateful).findResources('AWS::SES::ConfigurationSet'),
    );
    expect(sets).toHaveLength(1);
    expect((sets[0] as Resource).Properties).not.toHaveProperty('TrackingOptions');
  }, 180_000);
});
