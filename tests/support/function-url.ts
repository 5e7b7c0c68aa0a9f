import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { ENV } from '../../functions/adapters/env-keys.ts';
import { TABLES, type TableId } from '../../functions/adapters/tables.ts';

/** The environment the link-pages function gets from the stack, pointed at the local emulators. */
export function linkPagesEnv(options: {
  tables: Record<TableId, string>;
  dynamoEndpoint: string;
  signingSecret: string;
  baseUrl: string;
}): void {
  for (const [id, spec] of Object.entries(TABLES)) {
    const name = options.tables[id as TableId];
    process.env[spec.envKey] = name;
  }
  process.env[ENV.dynamodbEndpoint] = options.dynamoEndpoint;
  process.env[ENV.signingSecret] = options.signingSecret;
  process.env[ENV.unsubscribeBaseUrl] = options.baseUrl;
  process.env[ENV.programDir] = process.cwd();
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
}

/** A Function URL event as AWS delivers it for a request to `url` (form bodies base64-encoded). */
export function functionUrlEvent(
  method: 'GET' | 'POST' | 'HEAD',
  url: string,
  form?: Record<string, string>,
): LambdaFunctionURLEvent {
  const parsed = new URL(url);
  const query: Record<string, string> = {};
  for (const [name, value] of parsed.searchParams) query[name] = value;
  const body = form ? Buffer.from(new URLSearchParams(form).toString()).toString('base64') : undefined;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: parsed.pathname,
    rawQueryString: parsed.search.slice(1),
    headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    ...(parsed.search ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: parsed.host,
      domainPrefix: 'abc123',
      http: { method, path: parsed.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Dec/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    ...(body ? { body, isBase64Encoded: true } : { isBase64Encoded: false }),
  } as LambdaFunctionURLEvent;
}

/** A Lambda context good enough for middy and the Powertools logger. */
export const LAMBDA_CONTEXT = {
  functionName: 'lowtouch-unsubscribe',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:lowtouch-unsubscribe',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/lowtouch-unsubscribe',
  logStreamName: 'test',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

/** A handler of the link-pages Function URL. */
export type FunctionUrlHandler = (
  event: LambdaFunctionURLEvent,
  context: Context,
) => Promise<LambdaFunctionURLResult>;

/** The result as a plain response (Function URL results can also be bare strings). */
export function asResponse(result: LambdaFunctionURLResult): {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
} {
  if (typeof result === 'string') return { statusCode: 200, body: result, headers: {} };
  return {
    statusCode: result.statusCode ?? 200,
    body: result.body ?? '',
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
  };
}
