import type {
  InitializeHandlerArguments,
  InitializeHandlerOutput,
  InitializeMiddleware,
  MetadataBearer,
  MiddlewareStack,
} from '@smithy/types';

// Counts the AWS requests a client makes, per service and operation, and the DynamoDB capacity they
// consume (ReturnConsumedCapacity is asked for on every DynamoDB call). The cost model
// (bench/cost.ts) multiplies these counts by list prices.

/** What one operation of one service cost so far. */
export interface OperationCount {
  /** the part of the run the requests belong to (RequestCounter.phase at the time) */
  phase: string;
  service: string;
  operation: string;
  requests: number;
  failed: number;
  /** DynamoDB read request units (on-demand), as ConsumedCapacity reported them */
  readUnits: number;
  /** DynamoDB write request units (on-demand); a refused conditional write counts 1 */
  writeUnits: number;
}

// DocumentClient commands reach the client's stack under the low-level names (PutCommand → PutItem).
const DYNAMODB_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
const DYNAMODB_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
// Operations that accept ReturnConsumedCapacity.
const DYNAMODB_METERED = new Set([...DYNAMODB_READS, ...DYNAMODB_WRITES]);

/** A client whose middleware stack the counter can join (every AWS SDK v3 client and DocumentClient). */
export interface CountableClient {
  // The stack's type parameters differ per client; the counter reads input and output untyped.
  middlewareStack: unknown;
}

/** Counts requests through an SDK middleware; attach it to each client before the first call. */
export class RequestCounter {
  private readonly counts = new Map<string, OperationCount>();
  /** requests made from now on are counted under this name */
  phase = 'run';

  /** Adds the counting middleware to a client (once per client). */
  attach(client: CountableClient, service: string): void {
    const middleware: InitializeMiddleware<object, MetadataBearer> =
      (next, context) =>
      async (args: InitializeHandlerArguments<object>): Promise<InitializeHandlerOutput<MetadataBearer>> => {
        const operation = operationOf(context.commandName);
        const count = this.entry(service, operation);
        count.requests += 1;
        const metered = service === 'dynamodb' && DYNAMODB_METERED.has(operation);
        const input: object = metered ? { ...args.input, ReturnConsumedCapacity: 'TOTAL' } : args.input;
        try {
          const result = await next({ ...args, input });
          if (metered) this.addCapacity(count, operation, result.output);
          return result;
        } catch (error) {
          count.failed += 1;
          // A refused conditional write still consumes a write unit (items here are under 1 KB).
          if (
            metered &&
            DYNAMODB_WRITES.has(operation) &&
            nameOf(error) === 'ConditionalCheckFailedException'
          ) {
            count.writeUnits += 1;
          }
          throw error;
        }
      };
    const stack = client.middlewareStack;
    if (!isAddable(stack)) return;
    stack.add(middleware, { step: 'initialize', name: `lowtouchRequestCounter-${service}`, override: true });
  }

  /** Every operation counted so far (of one phase, when given), by phase, service and operation. */
  snapshot(phase?: string): OperationCount[] {
    return [...this.counts.values()]
      .filter((count) => phase === undefined || count.phase === phase)
      .map((count) => ({ ...count }))
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  }

  /** Totals of one service in one phase. */
  total(service: string, phase: string): Omit<OperationCount, 'operation'> {
    const total = { phase, service, requests: 0, failed: 0, readUnits: 0, writeUnits: 0 };
    for (const count of this.counts.values()) {
      if (count.service !== service || count.phase !== phase) continue;
      total.requests += count.requests;
      total.failed += count.failed;
      total.readUnits += count.readUnits;
      total.writeUnits += count.writeUnits;
    }
    return total;
  }

  private entry(service: string, operation: string): OperationCount {
    const key = keyOf({ phase: this.phase, service, operation });
    let count = this.counts.get(key);
    if (!count) {
      count = { phase: this.phase, service, operation, requests: 0, failed: 0, readUnits: 0, writeUnits: 0 };
      this.counts.set(key, count);
    }
    return count;
  }

  private addCapacity(count: OperationCount, operation: string, output: unknown): void {
    const reported = capacityUnits(output);
    // An operation without a report (an emulator that ignores the flag) costs its minimum.
    const units = reported ?? (DYNAMODB_WRITES.has(operation) ? 1 : 0.5);
    if (DYNAMODB_WRITES.has(operation)) count.writeUnits += units;
    else count.readUnits += units;
  }
}

function keyOf(count: { phase: string; service: string; operation: string }): string {
  return `${count.phase}/${count.service}/${count.operation}`;
}

function isAddable(stack: unknown): stack is Pick<MiddlewareStack<object, MetadataBearer>, 'add'> {
  return typeof stack === 'object' && stack !== null && 'add' in stack && typeof stack.add === 'function';
}

/** "PutItemCommand" → "PutItem". */
function operationOf(commandName: string | undefined): string {
  return (commandName ?? 'Unknown').replace(/Command$/, '');
}

function nameOf(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Sums CapacityUnits of a ConsumedCapacity that is one object or a list (batch operations). */
function capacityUnits(output: unknown): number | undefined {
  if (typeof output !== 'object' || output === null || !('ConsumedCapacity' in output)) return undefined;
  const consumed = output.ConsumedCapacity;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  let sum = 0;
  let seen = false;
  for (const item of list) {
    if (typeof item !== 'object' || item === null || !('CapacityUnits' in item)) continue;
    if (typeof item.CapacityUnits !== 'number') continue;
    sum += item.CapacityUnits;
    seen = true;
  }
  return seen ? sum : undefined;
}
