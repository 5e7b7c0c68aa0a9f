import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SigningKey } from '../core/sending/unsubscribe-token.ts';
import { ConfigError } from './config-error.ts';

/**
 * Reads the unsubscribe signing keys from a secret string. A plain string is one key with id `k1`;
 * for rotation store JSON `{"keys":[{"id":"k2","secret":"…"},{"id":"k1","secret":"…"}]}`: the first key
 * signs new links, all of them verify old ones.
 */
export function parseSigningKeys(secretString: string): SigningKey[] {
  const text = secretString.trim();
  if (!text.startsWith('{')) return [{ id: 'k1', secret: text }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      'the signing secret starts with "{" but is not JSON; store a plain key or {"keys":[...]}',
      {
        cause: error,
      },
    );
  }
  const keys = typeof parsed === 'object' && parsed !== null && 'keys' in parsed ? parsed.keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigError('the signing secret JSON needs a non-empty "keys" array of {"id","secret"}');
  }
  return keys.map((key, index) => {
    const id = typeof key === 'object' && key !== null && 'id' in key ? key.id : undefined;
    const secret = typeof key === 'object' && key !== null && 'secret' in key ? key.secret : undefined;
    if (typeof id !== 'string' || typeof secret !== 'string') {
      throw new ConfigError(`signing key #${index + 1} needs string "id" and "secret" fields`);
    }
    return { id, secret };
  });
}

/** Fetches the signing keys from Secrets Manager (once per cold start; the caller caches). */
export async function loadSigningKeys(
  client: SecretsManagerClient,
  secretArn: string,
): Promise<SigningKey[]> {
  const result = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!result.SecretString) {
    throw new ConfigError(`secret ${secretArn} has no SecretString; store the key as text`);
  }
  return parseSigningKeys(result.SecretString);
}
