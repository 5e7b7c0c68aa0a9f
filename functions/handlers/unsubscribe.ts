import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { lambdaFunction, onceAsync, signingKeys } from '../adapters/lambda-root.ts';
import { unsubscribeDeps } from '../adapters/runtime-wiring.ts';
import { handleUnsubscribe } from '../app/unsubscribe.ts';

const fn = lambdaFunction('unsubscribe');
const deps = onceAsync(async () => unsubscribeDeps(fn.wiring(), await signingKeys()));

/** Function URL: GET confirmation page, POST one-click unsubscribe (RFC 8058). */
export const handler = fn.wrap(async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
  const query = event.queryStringParameters ?? {};
  const selfUrl = `${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const method = event.requestContext.http.method;
  return handleUnsubscribe({ method, token: query.token, sendId: query.s, selfUrl }, await deps());
});
