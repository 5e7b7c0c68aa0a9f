import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { ENV } from '../adapters/env-keys.ts';
import { signingKeys } from '../adapters/lambda-runtime.ts';
import { createLogger } from '../adapters/powertools-log.ts';
import { unsubscribeDeps } from '../adapters/runtime-wiring.ts';
import { handleUnsubscribe } from '../app/unsubscribe.ts';
import { lambdaWiring } from './lambda-wiring.ts';

const logger = createLogger('unsubscribe');

/** Function URL: GET confirmation page, POST one-click unsubscribe (RFC 8058). */
export const handler = middy(async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
  const query = event.queryStringParameters ?? {};
  return handleUnsubscribe(
    { method: event.requestContext.http.method, token: query.token, sendId: query.s },
    unsubscribeDeps(lambdaWiring(logger), await signingKeys(), process.env[ENV.unsubscribeBaseUrl]),
  );
}).use(injectLambdaContext(logger));
