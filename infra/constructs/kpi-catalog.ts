import { Aws, CfnOutput, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EMAIL_KPI_COLUMNS } from '../../functions/core/kpi-columns.ts';

/** Folder of the daily email-KPI CSV inside the export bucket; `${dt}` is the export day (YYYY-MM-DD). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: `${dt}` is Athena's partition-projection placeholder.
export const EMAIL_KPI_CSV_LOCATION = 'kpi/dt=${dt}/email-kpis/';
/** First day the date partitions of the Glue table cover. */
export const KPI_PARTITIONS_FROM = '2024-01-01';

export interface KpiCatalogProps {
  bucket: s3.IBucket;
  /** Glue database name: lower-case letters, digits and underscores */
  databaseName: string;
}

/**
 * A Glue database with a table over the daily email-KPI CSV exports, partitioned by `dt` with
 * partition projection (no crawler and no MSCK REPAIR needed), and an Athena workgroup whose query
 * results are encrypted and kept in the same bucket.
 */
export class KpiCatalog extends Construct {
  readonly databaseName: string;
  readonly tableName = 'email_kpis';
  readonly workGroupName: string;

  constructor(scope: Construct, id: string, props: KpiCatalogProps) {
    super(scope, id);
    const bucket = props.bucket.bucketName;
    this.databaseName = props.databaseName;
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'lowtouch KPI exports (CSV in S3)' },
    });
    const table = new glue.CfnTable(this, 'EmailKpis', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: 'Email KPIs per day, campaign, step, variant and locale (one CSV per export day).',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: 'dt', type: 'string', comment: 'export day, YYYY-MM-DD' }],
        parameters: {
          classification: 'csv',
          'skip.header.line.count': '1',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': `${KPI_PARTITIONS_FROM},NOW`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `s3://${bucket}/${EMAIL_KPI_CSV_LOCATION}`,
        },
        storageDescriptor: {
          location: `s3://${bucket}/kpi/`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
            // Ids never contain commas, so the plain delimiter is enough; empty cells read as NULL.
            parameters: { 'field.delim': ',', 'serialization.format': ',', 'serialization.null.format': '' },
          },
          columns: EMAIL_KPI_COLUMNS.map((column) => ({
            name: column.name,
            type: column.type,
            comment: column.description,
          })),
        },
      },
    });
    table.node.addDependency(database);

    this.workGroupName = `${this.databaseName}_workgroup`;
    new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'lowtouch: query the KPI exports',
      recursiveDeleteOption: false,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: `s3://${bucket}/athena-results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    new CfnOutput(Stack.of(this), 'KpiDatabase', {
      value: this.databaseName,
      description: 'Glue database of the KPI exports (Athena)',
    });
    new CfnOutput(Stack.of(this), 'AthenaWorkGroup', {
      value: this.workGroupName,
      description: 'Athena workgroup for KPI queries; results are kept 30 days',
    });
  }
}
