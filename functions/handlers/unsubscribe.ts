import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { ENV } from '../adapters/env-keys.ts';
import {
  lambdaEnv,
  lambdaFunction,
  onceAsync,
  runtimeProgram,
  signingKeys,
} from '../adapters/lambda-root.ts';
import { linkPagesDeps } from '../adapters/link-page-wiring.ts';
import { routeLinkPage } from '../app/link-pages.ts';
import { formOf } from '../app/page-shell.ts';

const fn = lambdaFunction('unsubscribe');
const deps = onceAsync(async () =>
  linkPagesDeps(
    fn.wiring(),
    await signingKeys(),
    (await runtimeProgram()).program,
    lambdaEnv()[ENV.unsubscribeBaseUrl],
  ),
);

/** Function URL: unsubscribe (GET page, RFC 8058 one-click POST) and the preference center, by path. */
export const handler = fn.wrap(async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
  const method = event.requestContext.http.method;
  const form = method === 'POST' ? formOf(event.body, event.isBase64Encoded) : new URLSearchParams();
  return routeLinkPage(
    { method, path: event.rawPath, query: event.queryStringParameters ?? {}, form },
    await deps(),
  );
});
