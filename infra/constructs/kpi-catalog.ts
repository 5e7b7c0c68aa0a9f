import { Aws, CfnOutput, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { csvFolder, EXPORT_TABLES, type ExportTable } from '../../functions/core/kpi/exports.ts';

/** Athena's partition-projection placeholder for the export day in a table location template. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: `${dt}` is Athena's placeholder, not a JS template.
const DT_PLACEHOLDER = '${dt}';
/** First day the date partitions of the Glue tables cover. */
export const KPI_PARTITIONS_FROM = '2024-01-01';

/** The Glue table name of an export table: email-kpis → email_kpis. */
export function glueTableName(table: Pick<ExportTable, 'name'>): string {
  return table.name.replaceAll('-', '_');
}

/** The folder Athena reads for one export table, with `${dt}` for the day: kpi/dt=${dt}/<table>/. */
export function csvLocationTemplate(table: Pick<ExportTable, 'name'>): string {
  return csvFolder(DT_PLACEHOLDER, table.name);
}

/** The folder of the daily email-KPI CSV inside the export bucket; `${dt}` is the export day. */
export const EMAIL_KPI_CSV_LOCATION = csvLocationTemplate({ name: 'email-kpis' });

export interface KpiCatalogProps {
  bucket: s3.IBucket;
  /** Glue database name: lower-case letters, digits and underscores */
  databaseName: string;
}

const pascalCase = (name: string) =>
  name
    .split('-')
    .map((part) => `${part.charAt(0).toUpperCase()}${part.slice(1)}`)
    .join('');

/**
 * A Glue database with one table per KPI CSV export (email_kpis, login_kpis, …), each partitioned by
 * `dt` with partition projection (no crawler and no MSCK REPAIR needed), and an Athena workgroup whose
 * query results are encrypted and kept in the same bucket.
 */
export class KpiCatalog extends Construct {
  readonly databaseName: string;
  /** the email KPI table, the one most queries start from */
  readonly tableName = 'email_kpis';
  /** every Glue table, in export order */
  readonly tableNames: readonly string[];
  readonly workGroupName: string;

  constructor(scope: Construct, id: string, props: KpiCatalogProps) {
    super(scope, id);
    const bucket = props.bucket.bucketName;
    this.databaseName = props.databaseName;
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'lowtouch KPI exports (CSV in S3)' },
    });
    for (const exportTable of EXPORT_TABLES) {
      // The email table keeps the construct id it always had, so updating a stack does not replace it.
      const table = new glue.CfnTable(this, pascalCase(exportTable.name), {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: {
          name: glueTableName(exportTable),
          description: `${exportTable.description} (one CSV per export day, ${exportTable.name}/${exportTable.name}.csv).`,
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
            'storage.location.template': `s3://${bucket}/${csvLocationTemplate(exportTable)}`,
          },
          storageDescriptor: {
            location: `s3://${bucket}/kpi/`,
            inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
            serdeInfo: {
              serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
              // Ids never contain commas, so the plain delimiter is enough; empty cells read as NULL.
              parameters: {
                'field.delim': ',',
                'serialization.format': ',',
                'serialization.null.format': '',
              },
            },
            columns: exportTable.columns.map((column) => ({
              name: column.name,
              type: column.type,
              comment: column.description,
            })),
          },
        },
      });
      table.node.addDependency(database);
    }
    this.tableNames = EXPORT_TABLES.map(glueTableName);

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
