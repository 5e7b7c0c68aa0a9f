import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CtaStore } from '../app/ctas.ts';
import type { KpiSource } from '../app/export-kpis.ts';
import type { HealthInputs } from '../app/nightly-health.ts';
import { CtaRecord, newCtaRecord } from '../core/accounts/cta-lifecycle.ts';
import type { Cta } from '../core/accounts/ctas.ts';
import type { ContactEnrollment } from '../core/kpi/inputs.ts';
import type { SendRecord } from '../core/sending/send.ts';
import type { Contact, DailyUsage } from '../core/shared/domain.ts';
import { isConditionFailure, type TableNames } from './dynamo-client.ts';
import { contactFromItem, DynamoAccountRepository, type InvalidItemHandler } from './dynamo-contacts.ts';
import { DynamoSendRepository } from './dynamo-sends.ts';
import { DynamoStateStore } from './dynamo-state.ts';
import { dailyFromItem } from './dynamo-usage.ts';

async function scanAll(
  db: DynamoDBDocumentClient,
  input: {
    TableName: string;
    FilterExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  },
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * The KPI exporter's and the nightly job's reads, as full scans: these jobs run once a day over
 * every row, so a scan is the cheapest read. Contacts are scanned once per instance and reused for
 * both the profiles and the enrollments.
 */
export class DynamoKpiSource implements KpiSource, HealthInputs {
  private contactsOnce: Promise<{ contact: Contact; enrollments: ContactEnrollment[] }[]> | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: TableNames,
    private readonly onInvalid: InvalidItemHandler = () => {},
  ) {}

  async listSends(): Promise<SendRecord[]> {
    const all: SendRecord[] = [];
    for await (const page of new DynamoSendRepository(this.db, this.tables.sends).scanAll())
      all.push(...page);
    return all;
  }

  async listEnrollments(): Promise<ContactEnrollment[]> {
    return (await this.contactRows()).flatMap((row) => row.enrollments);
  }

  listAccounts() {
    return new DynamoAccountRepository(this.db, this.tables.accounts, {
      onInvalid: this.onInvalid,
    }).listAll();
  }

  async listContacts(): Promise<Contact[]> {
    return (await this.contactRows()).map((row) => row.contact);
  }

  async listDailyUsage(fromDate: string, toDate: string): Promise<DailyUsage[]> {
    const items = await scanAll(this.db, {
      TableName: this.tables.usage,
      FilterExpression: '#date BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#date': 'date' },
      ExpressionAttributeValues: { ':from': fromDate, ':to': toDate },
    });
    return items.map(dailyFromItem);
  }

  listNpsResponses() {
    return new DynamoStateStore(this.db, this.tables.state).listNps();
  }

  private contactRows() {
    this.contactsOnce ??= scanAll(this.db, { TableName: this.tables.contacts }).then((items) =>
      items.flatMap((item) => {
        try {
          const stored = contactFromItem(item);
          const enrollments = Object.values(stored.plan.enrollments).map((enrollment) => ({
            contactId: stored.contact.id,
            accountId: stored.contact.accountId,
            enrollment,
          }));
          return [{ contact: stored.contact, enrollments }];
        } catch (error) {
          this.onInvalid(this.tables.contacts, String(item.id), error);
          return [];
        }
      }),
    );
    return this.contactsOnce;
  }
}

/** CTAs in their own table, keyed by the dedupe key; a conditional put raises each key once. */
export class DynamoCtaStore implements CtaStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async raiseIfNew(cta: Cta): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: newCtaRecord(cta),
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': 'key' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(key: string): Promise<CtaRecord | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { key }, ConsistentRead: true }),
    );
    return result.Item ? CtaRecord.parse(result.Item) : undefined;
  }

  async listAll(): Promise<CtaRecord[]> {
    const records: CtaRecord[] = [];
    for (const item of await scanAll(this.db, { TableName: this.table })) {
      const parsed = CtaRecord.safeParse(item);
      if (parsed.success) records.push(parsed.data);
    }
    return records;
  }

  async save(record: CtaRecord, expectedVersion: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: CtaRecord.parse(record),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
