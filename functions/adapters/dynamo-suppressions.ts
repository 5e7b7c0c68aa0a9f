import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SuppressionList } from '../app/ports.ts';
import { isConditionFailure } from './dynamo-client.ts';

/** Suppression list keyed by lower-cased address; the first reason recorded is kept. */
export class DynamoSuppressionList implements SuppressionList {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async isSuppressed(email: string): Promise<boolean> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { email: email.toLowerCase() }, ConsistentRead: true }),
    );
    return result.Item !== undefined;
  }

  async add(email: string, entry: { reason: string; at: string; sendId?: string }): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { email: email.toLowerCase(), ...entry },
          ConditionExpression: 'attribute_not_exists(email)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
