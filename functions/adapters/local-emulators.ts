import type { Server } from 'node:http';
import { Worker } from 'node:worker_threads';

/** The running local emulators and how to reach them. */
export interface LocalEmulators {
  dynamoEndpoint: string;
  sesEndpoint: string;
  /** aws-ses-v2-local's web UI and `GET /store` */
  sesUiUrl: string;
  /** copies dynalite's in-memory data to `dynamoSaveTo` (only when that option was given) */
  saveDynamo(): Promise<void>;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** 0 (default) picks a free port */
  dynamoPort?: number;
  sesPort?: number;
  /** LevelDB directory for dynalite; in memory when absent */
  dynamoPath?: string;
  /**
   * Keep dynalite's data in memory while running and write it to this LevelDB directory on
   * `saveDynamo()`: a long local simulation then pays no disk cost per request.
   */
  dynamoSaveTo?: string;
}

const HOST = '127.0.0.1';

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

interface SesModule {
  default?: unknown;
}

async function startSes(port: number): Promise<Server> {
  // The package is CommonJS; under ESM its exports object arrives as `default`, and the server
  // factory is that object's own `default`.
  const loaded: SesModule = await import('aws-ses-v2-local');
  const exportsObject: unknown = loaded.default;
  const factory =
    typeof exportsObject === 'function'
      ? exportsObject
      : typeof exportsObject === 'object' && exportsObject !== null && 'default' in exportsObject
        ? exportsObject.default
        : undefined;
  if (typeof factory !== 'function')
    throw new Error('aws-ses-v2-local has no server factory; check its version');
  const server: unknown = await factory({ host: HOST, port });
  if (!isServer(server)) throw new Error('aws-ses-v2-local did not return an HTTP server');
  return server;
}

function isServer(value: unknown): value is Server {
  return typeof value === 'object' && value !== null && 'close' in value && 'address' in value;
}

/** Starts dynalite on a worker thread (so its CPU work runs beside the runtime's) and reports its port. */
async function startDynalite(
  options: EmulatorOptions,
): Promise<{ port: number; save(): Promise<void>; stop(): Promise<void> }> {
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), {
    workerData: {
      host: HOST,
      port: options.dynamoPort ?? 0,
      path: options.dynamoPath,
      saveTo: options.dynamoSaveTo,
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: unknown) => {
      if (
        typeof message === 'object' &&
        message !== null &&
        'port' in message &&
        typeof message.port === 'number'
      )
        resolve(message.port);
      else reject(new Error(`dynalite did not start: ${JSON.stringify(message)}`));
    });
  });
  return {
    port,
    save: async () => {
      if (!options.dynamoSaveTo) throw new Error('saveDynamo() needs the dynamoSaveTo option');
      const answer = new Promise<unknown>((resolve) => {
        const onMessage = (message: unknown) => {
          if (
            typeof message === 'object' &&
            message !== null &&
            ('saved' in message || 'saveError' in message)
          ) {
            worker.off('message', onMessage);
            resolve(message);
          }
        };
        worker.on('message', onMessage);
      });
      worker.postMessage('save');
      const message = await answer;
      if (typeof message === 'object' && message !== null && 'saveError' in message)
        throw new Error(`dynalite could not save to ${options.dynamoSaveTo}: ${String(message.saveError)}`);
    },
    stop: async () => {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
      await worker.terminate();
    },
  };
}

/** Starts dynalite and aws-ses-v2-local on loopback (free ports unless given). */
export async function startLocalEmulators(options: EmulatorOptions = {}): Promise<LocalEmulators> {
  const dynamo = await startDynalite(options);
  let ses: Server;
  try {
    ses = await startSes(options.sesPort ?? 0);
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
  const dynamoPort = dynamo.port;
  const address = ses.address();
  const sesPort = address && typeof address === 'object' ? address.port : (options.sesPort ?? 0);
  return {
    dynamoEndpoint: `http://${HOST}:${dynamoPort}`,
    sesEndpoint: `http://${HOST}:${sesPort}`,
    sesUiUrl: `http://${HOST}:${sesPort}/`,
    saveDynamo: () => dynamo.save(),
    stop: async () => {
      await Promise.all([dynamo.stop(), close(ses)]);
    },
  };
}

/** An email as aws-ses-v2-local keeps it (the subset lowtouch reads). */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

/** Reads the emulator's `GET /store`. */
export async function readSesStore(sesEndpoint: string): Promise<{ emails: StoredEmail[] }> {
  const response = await fetch(`${sesEndpoint}/store`);
  if (!response.ok) throw new Error(`GET ${sesEndpoint}/store answered ${response.status}`);
  const body: unknown = await response.json();
  if (typeof body !== 'object' || body === null || !('emails' in body) || !Array.isArray(body.emails)) {
    throw new Error(`GET ${sesEndpoint}/store returned no emails array`);
  }
  return { emails: body.emails };
}

/** Empties the emulator's mail store (`POST /clear-store`). */
export async function clearSesStore(sesEndpoint: string): Promise<void> {
  const response = await fetch(`${sesEndpoint}/clear-store`, { method: 'POST' });
  if (!response.ok) throw new Error(`POST ${sesEndpoint}/clear-store answered ${response.status}`);
}
