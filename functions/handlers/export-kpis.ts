import { lambdaDeps } from '../adapters/lambda-deps.ts';
import { lambdaFunction } from '../adapters/lambda-root.ts';
import { exportKpis } from '../app/export-kpis.ts';

const fn = lambdaFunction('export-kpis');
const deps = lambdaDeps(fn);

/** Daily (EventBridge Scheduler): KPI exports (CSV, JSON, HTML report) to the export bucket, ids only. */
export const handler = fn.wrap(async () => {
  const { campaigns, ...exportDeps } = await deps.exportKpis();
  const { range, keys } = await exportKpis({ campaigns }, exportDeps);
  fn.log.info('KPI export written', { range, files: keys.length });
  return { range, keys };
});
