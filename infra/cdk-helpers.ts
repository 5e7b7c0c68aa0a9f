import { CfnResource, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import type { TableId } from '../functions/adapters/tables.ts';

/** Finds a table by the id infra/functions.ts uses; throws when the shared table spec has no such table. */
export function tableById(
  tables: ReadonlyMap<TableId, dynamodb.TableV2>,
  id: string,
): { id: TableId; table: dynamodb.TableV2 } {
  for (const [tableId, table] of tables) if (tableId === id) return { id: tableId, table };
  throw new Error(
    `lowtouch infra: infra/functions.ts names a table "${id}" that functions/adapters/tables.ts does not declare.`,
  );
}

/** The CloudFormation logical id of a construct's main resource, as cdk-nag prints it in findings. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`lowtouch infra: ${construct.node.path} has no CloudFormation resource.`);
  }
  return Stack.of(resource).getLogicalId(resource);
}

/** The CloudWatch Logs retention enum member for a number of days (validated by the config schema). */
export function retention(days: number): logs.RetentionDays {
  const match = Object.values(logs.RetentionDays).find((value) => value === days);
  if (typeof match !== 'number') {
    throw new Error(`lowtouch infra: ${days} is not a CloudWatch Logs retention period.`);
  }
  return match;
}
