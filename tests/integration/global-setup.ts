import type { TestProject } from 'vitest/node';
import { startLocalEmulators } from '../../functions/adapters/local-emulators.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
  }
}

/** Starts dynalite and aws-ses-v2-local once for the integration project, on free loopback ports. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const emulators = await startLocalEmulators();
  project.provide('dynamoEndpoint', emulators.dynamoEndpoint);
  project.provide('sesEndpoint', emulators.sesEndpoint);
  return () => emulators.stop();
}
