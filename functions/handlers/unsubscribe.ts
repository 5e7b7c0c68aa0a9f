import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { ENV } from '../adapters/env-keys.ts';
import { runtimeProgram, signingKeys } from '../adapters/lambda-runtime.ts';
import { linkPagesDeps } from '../adapters/link-page-wiring.ts';
import { createLogger } from '../adapters/powertools-log.ts';
import { routeLinkPage } from '../app/link-pages.ts';
import { formOf } from '../app/page-shell.ts';
import { lambdaWiring } from './lambda-wiring.ts';

const logger = createLogger('unsubscribe');

/** Function URL: unsubscribe (GET page, RFC 8058 one-click POST) and the preference center, by path. */
export const handler = middy(async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
  const { program } = await runtimeProgram();
  const deps = linkPagesDeps(
    lambdaWiring(logger),
    await signingKeys(),
    program,
    process.env[ENV.unsubscribeBaseUrl],
  );
  const method = event.requestContext.http.method;
  return routeLinkPage(
    {
      method,
      path: event.rawPath,
      query: event.queryStringParameters ?? {},
      form: method === 'POST' ? formOf(event.body, event.isBase64Encoded) : new URLSearchParams(),
    },
    deps,
  );
}).use(injectLambdaContext(logger));
