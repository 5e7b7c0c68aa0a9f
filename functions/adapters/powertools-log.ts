import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../app/ports.ts';
import { redactEmails } from '../core/shared/redact.ts';

function scrub(value: unknown): unknown {
  if (typeof value === 'string') return redactEmails(value);
  if (Array.isArray(value)) return value.map(scrub);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, scrub(inner)]));
  }
  return value;
}

/** The Powertools logger behind the Log port; every string is scrubbed of email addresses first. */
export function powertoolsLog(logger: Logger): Log {
  return {
    info: (message, fields = {}) => logger.info(redactEmails(message), { detail: scrub(fields) }),
    warn: (message, fields = {}) => logger.warn(redactEmails(message), { detail: scrub(fields) }),
    error: (message, fields = {}) => logger.error(redactEmails(message), { detail: scrub(fields) }),
  };
}

/** A Powertools logger for one function. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/** A Log that discards everything (tests, benchmarks). */
export const SILENT_LOG: Log = { info: () => {}, warn: () => {}, error: () => {} };
