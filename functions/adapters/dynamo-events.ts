import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EmailEventLog } from '../app/ports.ts';
import { isConditionFailure } from './dynamo-client.ts';

/** Raw SES events per send (pk sendId, sk event id) with a TTL; the put is conditional for idempotency. */
export class DynamoEmailEventLog implements EmailEventLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async recordOnce(entry: {
    sendId: string;
    eventId: string;
    eventType: string;
    at: string;
    raw: string;
    expiresAt: number;
  }): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: entry,
          ConditionExpression: 'attribute_not_exists(eventId)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
