/**
 * A missing or invalid setting: a function's environment, the deployment configuration or the signing
 * secret. The message names the setting, the bad value and how to fix it.
 */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
