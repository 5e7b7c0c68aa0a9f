import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { checkKey, type SigningKey, UnsubscribeTokenError } from './unsubscribe-token.ts';

/**
 * What a signed link lets its holder do. Each purpose has its own token prefix and its own HMAC
 * domain, so a token minted for one purpose never verifies as another (unsubscribe tokens keep their
 * original `u1` scheme in unsubscribe-token.ts, whose MAC input carries no domain and so cannot
 * collide with these).
 */
export const LinkPurpose = z.enum(['preferences', 'survey', 'cta']);
export type LinkPurpose = z.infer<typeof LinkPurpose>;

const PREFIX: Record<LinkPurpose, string> = { preferences: 'p1', survey: 'n1', cta: 'c1' };

/** Claim values a link token may carry (short keys keep the URL short). */
export type LinkClaims = Record<string, string | number>;

/** A verified link token: its claims and when it was issued. */
export type LinkVerifyResult =
  | { ok: true; claims: LinkClaims; issuedAt: number }
  | { ok: false; reason: string };

const FUTURE_SKEW_MS = 5 * 60_000;
const Payload = z.strictObject({
  i: z.number().int().min(0),
  d: z.record(z.string(), z.union([z.string(), z.number()])),
});

function mac(secret: string, purpose: LinkPurpose, signedPart: string): Buffer {
  return createHmac('sha256', secret).update(`lowtouch-link:${purpose}\n${signedPart}`, 'utf8').digest();
}

/** Signs claims for one purpose into a URL-safe token `<prefix>.<keyId>.<payload>.<mac>`. */
export function signLinkToken(
  purpose: LinkPurpose,
  claims: LinkClaims,
  issuedAt: number,
  key: SigningKey,
): string {
  checkKey(key);
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0) {
    throw new UnsubscribeTokenError(
      `issuedAt ${issuedAt} is not a whole number of epoch milliseconds; pass clock.now()`,
    );
  }
  const payload = Buffer.from(JSON.stringify({ i: issuedAt, d: claims }), 'utf8').toString('base64url');
  const signedPart = `${PREFIX[purpose]}.${key.id}.${payload}`;
  return `${signedPart}.${mac(key.secret, purpose, signedPart).toString('base64url')}`;
}

/**
 * Verifies a token for one purpose in constant time and checks its age. Never throws: a malformed,
 * tampered, other-purpose, unknown-key or expired token gives `ok: false` with the reason.
 */
export function verifyLinkToken(
  purpose: LinkPurpose,
  token: string,
  keys: readonly SigningKey[],
  now: number,
  maxAgeMs: number,
): LinkVerifyResult {
  if (typeof token !== 'string' || token.length > 2048) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'malformed' };
  const [prefix, keyId, payload, signature] = parts;
  if (!prefix || !keyId || !payload || !signature) return { ok: false, reason: 'malformed' };
  if (prefix !== PREFIX[purpose]) return { ok: false, reason: 'wrong-purpose' };
  const key = keys.find((candidate) => candidate.id === keyId);
  if (!key) return { ok: false, reason: 'unknown-key' };
  const expected = Buffer.from(
    mac(key.secret, purpose, `${prefix}.${keyId}.${payload}`).toString('base64url'),
    'utf8',
  );
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad-signature' };
  }
  let parsed: z.infer<typeof Payload>;
  try {
    const result = Payload.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!result.success) return { ok: false, reason: 'malformed' };
    parsed = result.data;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (parsed.i > now + FUTURE_SKEW_MS) return { ok: false, reason: 'issued-in-future' };
  if (now - parsed.i > maxAgeMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims: parsed.d, issuedAt: parsed.i };
}

/** One string claim of a verified token, or undefined when absent or not a string. */
export function claimText(claims: LinkClaims, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The URL of a page under the configured link base URL, e.g. base `https://x.example/u` and page
 * `preferences` give `https://x.example/u/preferences?token=…`. The page path is appended to the base
 * path, never resolved against a request.
 */
export function linkPageUrl(baseUrl: string, page: string, params: Record<string, string>): string {
  const url = new URL(baseUrl);
  url.search = '';
  url.hash = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${page}`;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

/** The last path segment of a request path, used to route link pages (`/u/preferences` → `preferences`). */
export function linkPageOf(path: string): string {
  const segments = path.split('/').filter((s) => s.length > 0);
  return segments[segments.length - 1] ?? '';
}
