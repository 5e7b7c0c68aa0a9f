import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** A signing key; `id` travels in the token so keys can be rotated without breaking old links. */
export interface SigningKey {
  id: string;
  secret: string;
}

/** What an unsubscribe token proves: this contact asked to leave this topic. */
export interface UnsubscribeClaim {
  contactId: string;
  topic: string;
  /** epoch milliseconds */
  issuedAt: number;
}

export type VerifyResult = ({ ok: true } & UnsubscribeClaim) | { ok: false; reason: string };

/** Raised when a token cannot be signed because the key or the claim is unusable. */
export class UnsubscribeTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnsubscribeTokenError';
  }
}

const VERSION = 'u1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const MIN_SECRET_LENGTH = 32;
/** Tokens issued slightly in the future (clock skew between Lambdas) are still accepted. */
const FUTURE_SKEW_MS = 5 * 60_000;

const Payload = z.strictObject({
  c: z.string().min(1),
  t: z.string().min(1),
  i: z.number().int().min(0),
});

/** Throws UnsubscribeTokenError when a key id or secret is unusable for signing any link token. */
export function checkKey(key: SigningKey): void {
  if (!KEY_ID.test(key.id)) {
    throw new UnsubscribeTokenError(
      `signing key id ${JSON.stringify(key.id)} is invalid; use 1-32 letters, digits, "-" or "_"`,
    );
  }
  if (key.secret.length < MIN_SECRET_LENGTH) {
    throw new UnsubscribeTokenError(
      `signing key ${key.id} has a ${key.secret.length}-character secret; use at least ${MIN_SECRET_LENGTH} random characters`,
    );
  }
}

function mac(secret: string, signedPart: string): Buffer {
  return createHmac('sha256', secret).update(signedPart, 'utf8').digest();
}

/** Signs (contact id, topic, issued-at) with HMAC-SHA256 into a URL-safe token `u1.<keyId>.<payload>.<mac>`. */
export function signUnsubscribeToken(input: UnsubscribeClaim, key: SigningKey): string {
  checkKey(key);
  if (!input.contactId || !input.topic) {
    throw new UnsubscribeTokenError('an unsubscribe token needs a non-empty contactId and topic');
  }
  if (!Number.isSafeInteger(input.issuedAt) || input.issuedAt < 0) {
    throw new UnsubscribeTokenError(
      `issuedAt ${input.issuedAt} is not a whole number of epoch milliseconds; pass clock.now()`,
    );
  }
  const payload = Buffer.from(
    JSON.stringify({ c: input.contactId, t: input.topic, i: input.issuedAt }),
    'utf8',
  ).toString('base64url');
  const signedPart = `${VERSION}.${key.id}.${payload}`;
  return `${signedPart}.${mac(key.secret, signedPart).toString('base64url')}`;
}

/**
 * Verifies a token against the known keys in constant time and checks its age.
 * Never throws on bad input: a malformed, tampered, unknown-key or expired token gives `ok: false`.
 */
export function verifyUnsubscribeToken(
  token: string,
  keys: readonly SigningKey[],
  now: number,
  maxAgeMs: number,
): VerifyResult {
  if (typeof token !== 'string' || token.length > 2048) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'malformed' };
  const [version, keyId, payload, signature] = parts;
  if (version !== VERSION || !keyId || !payload || !signature) return { ok: false, reason: 'malformed' };
  const key = keys.find((candidate) => candidate.id === keyId);
  if (!key) return { ok: false, reason: 'unknown-key' };
  // Compare the canonical text form, so no two spellings of one MAC are accepted; the length is public
  // (always 43 characters), the bytes are compared in constant time.
  const expected = Buffer.from(
    mac(key.secret, `${version}.${keyId}.${payload}`).toString('base64url'),
    'utf8',
  );
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad-signature' };
  }
  let claim: z.infer<typeof Payload>;
  try {
    const parsed = Payload.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    claim = parsed.data;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (claim.i > now + FUTURE_SKEW_MS) return { ok: false, reason: 'issued-in-future' };
  if (now - claim.i > maxAgeMs) return { ok: false, reason: 'expired' };
  return { ok: true, contactId: claim.c, topic: claim.t, issuedAt: claim.i };
}

/**
 * The visible unsubscribe link (the token under the base URL, keeping its query) and the preference
 * center link (`<base path>/preferences` with its own, differently purposed token).
 */
export function unsubscribeLinks(
  baseUrl: string,
  token: string,
  preferencesToken: string,
): { unsubscribe: string; preferences: string } {
  const unsubscribe = new URL(baseUrl);
  unsubscribe.searchParams.set('token', token);
  const preferences = new URL(baseUrl);
  preferences.search = '';
  preferences.hash = '';
  preferences.pathname = `${preferences.pathname.replace(/\/+$/, '')}/preferences`;
  preferences.searchParams.set('token', preferencesToken);
  return { unsubscribe: unsubscribe.href, preferences: preferences.href };
}
