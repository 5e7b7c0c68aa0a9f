import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { DynamoKpiSource } from '../adapters/dynamo-kpi-source.ts';
import { ENV } from '../adapters/env-keys.ts';
import { S3ExportSink } from '../adapters/export-sink-s3.ts';
import {
  documentClient,
  requireEnv,
  runtimeProgram,
  systemClock,
  tableNames,
} from '../adapters/lambda-runtime.ts';
import { createLogger } from '../adapters/powertools-log.ts';
import { campaignInfoOf, exportKpis } from '../app/export-kpis.ts';

const logger = createLogger('export-kpis');
const s3 = new S3Client({});

/** Daily: KPI exports (CSV, JSON, HTML report) to the export bucket, with ids only. */
export const handler = middy(async () => {
  const { program } = await runtimeProgram();
  const result = await exportKpis(
    { campaigns: campaignInfoOf(program) },
    {
      source: new DynamoKpiSource(documentClient(), tableNames()),
      sink: new S3ExportSink(s3, requireEnv(ENV.exportBucket)),
      clock: systemClock,
    },
  );
  logger.info('KPI export written', { range: result.range, files: result.keys.length });
  return { range: result.range, keys: result.keys };
}).use(injectLambdaContext(logger));
