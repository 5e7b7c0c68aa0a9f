import {
  Annotations,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env-keys.ts';
import { type KeySpec, TABLES, type TableId, type TableSpec } from '../functions/adapters/tables.ts';
import type { LowtouchConfig } from './config.ts';
import { KpiCatalog } from './constructs/kpi-catalog.ts';

export interface StatefulStackProps extends StackProps {
  config: LowtouchConfig;
}

/** Every SES event type; the tracker handles all of them. */
export const SES_EVENT_TYPES: ses.EmailSendingEvent[] = [
  ses.EmailSendingEvent.SEND,
  ses.EmailSendingEvent.REJECT,
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.COMPLAINT,
  ses.EmailSendingEvent.DELIVERY,
  ses.EmailSendingEvent.OPEN,
  ses.EmailSendingEvent.CLICK,
  ses.EmailSendingEvent.RENDERING_FAILURE,
  ses.EmailSendingEvent.DELIVERY_DELAY,
  ses.EmailSendingEvent.SUBSCRIPTION,
];

/**
 * What must survive a redeploy or a `cdk destroy`: the tables, the KPI bucket and its Glue table,
 * the SES configuration set (and optionally the identity) and the unsubscribe signing secret.
 * Everything here is retained when the stack is deleted.
 */
export class StatefulStack extends Stack {
  readonly tables: ReadonlyMap<TableId, dynamodb.TableV2>;
  readonly exportBucket: s3.Bucket;
  /** the KPI bucket ARN through a named export, so IAM findings and grants read the same in every stage */
  readonly exportBucketArn: string;
  /** the name of that export */
  readonly exportBucketArnExportName: string;
  readonly configurationSet: ses.ConfigurationSet;
  readonly signingSecret: secretsmanager.Secret;
  /** ARN of the SES identity that sends, whether created here or verified beforehand */
  readonly identityArn: string;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.tables = createTables(this);

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the server access log target of the KPI bucket; logging it into itself would loop.',
    });
    this.exportBucket = new s3.Bucket(this, 'KpiExports', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'kpi-exports/',
      lifecycleRules: [
        {
          id: 'kpi-exports',
          prefix: 'kpi/',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) },
          ],
          expiration: Duration.days(Math.max(config.exportRetentionDays, 91)),
        },
        { id: 'athena-results', prefix: 'athena-results/', expiration: Duration.days(30) },
        { id: 'abort-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });

    this.exportBucketArnExportName = `${config.stackPrefix}-KpiBucketArn`;
    this.exportBucketArn = this.exportValue(this.exportBucket.bucketArn, {
      name: this.exportBucketArnExportName,
    });

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      // With a custom domain, open pixels and click redirects go over HTTPS only; the domain then
      // needs a certificate in front of it (docs/deploy.md, "Custom tracking domain"). SES accepts
      // an HTTPS policy only together with a custom domain.
      ...(config.trackingDomain
        ? {
            customTrackingRedirectDomain: config.trackingDomain,
            customTrackingHttpsPolicy: ses.HttpsPolicy.REQUIRE,
          }
        : {}),
    });
    if (config.trackingDomain && config.createIdentity) {
      // SES refuses a redirect domain that no verified identity covers, and the identity created
      // below is verified only once its DKIM records are published, after this deploy.
      Annotations.of(this.configurationSet).addWarningV2(
        'lowtouch:trackingDomainBeforeVerification',
        `trackingDomain "${config.trackingDomain}" is accepted by SES only once the identity "${config.identity}" is verified. On the first deploy leave trackingDomain out (-c lowtouch:trackingDomain= or remove it from the file), publish the DKIM records, wait for verification, then deploy again with it (docs/deploy.md, "Custom tracking domain").`,
      );
    }
    this.configurationSet.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // SES can publish to EventBridge only on the account's default bus.
    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.configurationSet.addEventDestination('ToDefaultBus', {
      destination: ses.EventDestination.eventBus(defaultBus),
      events: SES_EVENT_TYPES,
    });

    if (config.createIdentity) {
      const identity = new ses.EmailIdentity(this, 'Identity', {
        identity: config.identity.includes('@')
          ? ses.Identity.email(config.identity)
          : ses.Identity.domain(config.identity),
        configurationSet: this.configurationSet,
        dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
        dkimSigning: true,
        mailFromDomain: config.mailFromDomain,
        mailFromBehaviorOnMxFailure: config.mailFromDomain
          ? ses.MailFromBehaviorOnMxFailure.REJECT_MESSAGE
          : undefined,
      });
      identity.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.identityArn = identity.emailIdentityArn;
      if (!config.identity.includes('@')) {
        identity.dkimRecords.forEach((record, index) => {
          new CfnOutput(this, `DkimRecord${index + 1}`, {
            description: `Easy DKIM: publish this CNAME in the DNS of ${config.identity}`,
            value: `${record.name} CNAME ${record.value}`,
          });
        });
      }
    } else {
      this.identityArn = this.formatArn({
        service: 'ses',
        resource: 'identity',
        resourceName: config.identity,
      });
    }

    this.signingSecret = new secretsmanager.Secret(this, 'UnsubscribeSigningKey', {
      description: 'lowtouch: HMAC key that signs one-click unsubscribe tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.signingSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key signs the unsubscribe links inside emails already delivered; a rotation Lambda replacing it would break every link in past mail, which Gmail/Yahoo require to keep working. Rotation is manual: store {"keys":[new, old]} so old links still verify (docs/deploy.md).',
    });

    new KpiCatalog(this, 'KpiCatalog', {
      bucket: this.exportBucket,
      databaseName: `${config.stackPrefix.toLowerCase().replaceAll('-', '_')}_kpi`,
    });

    // Outputs whose description is an env var name feed `lowtouch ... --aws` (see docs/deploy.md).
    for (const [tableId, table] of this.tables) {
      new CfnOutput(this, `Table${tableId[0]?.toUpperCase()}${tableId.slice(1)}`, {
        value: table.tableName,
        description: TABLES[tableId].envKey,
      });
    }
    new CfnOutput(this, 'ConfigurationSetName', {
      value: this.configurationSet.configurationSetName,
      description: ENV.configurationSet,
    });
    new CfnOutput(this, 'KpiBucketName', {
      value: this.exportBucket.bucketName,
      description: ENV.exportBucket,
    });
    new CfnOutput(this, 'SigningSecretArn', {
      value: this.signingSecret.secretArn,
      description: ENV.signingSecretArn,
    });
    new CfnOutput(this, 'IdentityArn', { value: this.identityArn, description: ENV.identityArn });
  }
}

function attribute(key: KeySpec): dynamodb.Attribute {
  return {
    name: key.name,
    type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
  };
}

/** Creates one on-demand, point-in-time-recoverable, retained table per entry of the shared table spec. */
function createTables(scope: Construct): ReadonlyMap<TableId, dynamodb.TableV2> {
  const tables = new Map<TableId, dynamodb.TableV2>();
  for (const key of Object.keys(TABLES)) {
    if (!isTableId(key)) continue;
    const spec: TableSpec = TABLES[key];
    tables.set(
      key,
      new dynamodb.TableV2(scope, `Table-${spec.id}`, {
        partitionKey: attribute(spec.partitionKey),
        sortKey: spec.sortKey ? attribute(spec.sortKey) : undefined,
        billing: dynamodb.Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        timeToLiveAttribute: spec.ttlAttribute,
        removalPolicy: RemovalPolicy.RETAIN,
        globalSecondaryIndexes: (spec.indexes ?? []).map((index) => ({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
          projectionType: dynamodb.ProjectionType.ALL,
        })),
      }),
    );
  }
  return tables;
}

function isTableId(key: string): key is TableId {
  return Object.hasOwn(TABLES, key);
}
