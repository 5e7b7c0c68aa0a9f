import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkKey,
  signUnsubscribeToken,
  UnsubscribeTokenError,
  unsubscribeLinks,
  verifyUnsubscribeToken,
} from '../../../functions/core/sending/unsubscribe-token.ts';

// The exact edges of token checks: each reason a link is refused, the age and clock-skew limits to the
// millisecond, and the key rules, so that loosening any of them fails a test.

const key = { id: 'k2026', secret: 's'.repeat(32) };
const other = { id: 'k2027', secret: 't'.repeat(32) };
const NOW = Date.parse('2026-12-01T00:00:00Z');
const MAX_AGE = 30 * 86_400_000;
const SKEW = 5 * 60_000;
const claim = { contactId: 'c-1', topic: 'onboarding-tips', issuedAt: NOW };

/** A token with a correct MAC over an arbitrary payload, to reach the checks after the signature. */
function signedRaw(payload: unknown, signingKey = key): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  const signed = `u1.${signingKey.id}.${body}`;
  return `${signed}.${createHmac('sha256', signingKey.secret).update(signed, 'utf8').digest('base64url')}`;
}

const verify = (token: string, now = NOW) => verifyUnsubscribeToken(token, [key, other], now, MAX_AGE);

describe('unsubscribe token verification', () => {
  it('returns the claim of a valid token', () => {
    expect(verify(signUnsubscribeToken(claim, key))).toEqual({ ok: true, ...claim });
    expect(verify(signUnsubscribeToken(claim, other))).toEqual({ ok: true, ...claim });
  });

  it('accepts a token exactly at its maximum age and refuses it one millisecond later', () => {
    const token = signUnsubscribeToken(claim, key);
    expect(verify(token, NOW + MAX_AGE).ok).toBe(true);
    expect(verify(token, NOW + MAX_AGE + 1)).toEqual({ ok: false, reason: 'expired' });
  });

  it('accepts a token issued up to five minutes ahead of the clock, not more', () => {
    expect(verify(signUnsubscribeToken({ ...claim, issuedAt: NOW + SKEW }, key)).ok).toBe(true);
    expect(verify(signUnsubscribeToken({ ...claim, issuedAt: NOW + SKEW + 1 }, key))).toEqual({
      ok: false,
      reason: 'issued-in-future',
    });
  });

  const notJson = () => {
    const signed = `u1.k2026.${Buffer.from('not json', 'utf8').toString('base64url')}`;
    return `${signed}.${createHmac('sha256', key.secret).update(signed, 'utf8').digest('base64url')}`;
  };
  const valid = () => signUnsubscribeToken(claim, key);
  it.each<[string, () => string, string]>([
    ['three parts', () => 'u1.k2026.abc', 'malformed'],
    ['five parts', () => 'u1.k2026.abc.def.ghi', 'malformed'],
    ['another version', () => valid().replace(/^u1\./, 'u2.'), 'malformed'],
    ['no key id', () => valid().replace('.k2026.', '..'), 'malformed'],
    ['no payload', () => 'u1.k2026..abc', 'malformed'],
    ['no signature', () => 'u1.k2026.abc.', 'malformed'],
    [
      'an unknown key',
      () => signUnsubscribeToken(claim, { id: 'k1999', secret: 'x'.repeat(32) }),
      'unknown-key',
    ],
    ['a shorter signature', () => valid().slice(0, -1), 'bad-signature'],
    ['a longer signature', () => `${valid()}A`, 'bad-signature'],
    [
      "another key's signature",
      () => signedRaw({ c: 'c-1', t: 'x', i: NOW }, other).replace('.k2027.', '.k2026.'),
      'bad-signature',
    ],
    ['a signed payload that is not JSON', notJson, 'malformed'],
    [
      'a signed payload with an extra field',
      () => signedRaw({ c: 'c-1', t: 'topic', i: NOW, extra: 1 }),
      'malformed',
    ],
  ])('refuses %s', (_name, token, reason) => {
    expect(verify(token())).toEqual({ ok: false, reason });
  });

  it.each([
    ['an empty contact id', { c: '', t: 'topic', i: NOW }],
    ['an empty topic', { c: 'c-1', t: '', i: NOW }],
    ['a negative issue time', { c: 'c-1', t: 'topic', i: -1 }],
    ['a fractional issue time', { c: 'c-1', t: 'topic', i: NOW + 0.5 }],
    ['a text issue time', { c: 'c-1', t: 'topic', i: String(NOW) }],
  ])('refuses a correctly signed payload with %s', (_name, payload) => {
    expect(verify(signedRaw(payload))).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts a token of 2048 characters and refuses a longer one', () => {
    let longest = '';
    for (let length = 1400; length < 1520; length++) {
      const token = signUnsubscribeToken({ ...claim, contactId: 'c'.repeat(length) }, key);
      if (token.length <= 2048) longest = token;
    }
    expect(longest.length).toBeGreaterThan(2044);
    expect(verify(longest).ok).toBe(true);
    const padded = `${longest}${'A'.repeat(2049 - longest.length)}`;
    expect(padded.length).toBe(2049);
    expect(verify(padded)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('signing keys and claims', () => {
  it('accepts key ids of 1 to 32 letters, digits, - and _, and secrets of 32 characters or more', () => {
    expect(() => checkKey({ id: 'a', secret: 's'.repeat(32) })).not.toThrow();
    expect(() => checkKey({ id: `A-_9${'z'.repeat(28)}`, secret: 's'.repeat(32) })).not.toThrow();
    expect(() => checkKey({ id: 'z'.repeat(33), secret: 's'.repeat(32) })).toThrow(UnsubscribeTokenError);
    expect(() => checkKey({ id: '', secret: 's'.repeat(32) })).toThrow(
      'signing key id "" is invalid; use 1-32 letters, digits, "-" or "_"',
    );
    expect(() => checkKey({ id: 'k', secret: 's'.repeat(31) })).toThrow(
      'signing key k has a 31-character secret; use at least 32 random characters',
    );
  });

  it('signs issue time 0 and refuses negative or unsafe ones and empty topics', () => {
    expect(verifyUnsubscribeToken(signUnsubscribeToken({ ...claim, issuedAt: 0 }, key), [key], 0, 1).ok).toBe(
      true,
    );
    expect(() => signUnsubscribeToken({ ...claim, issuedAt: -1 }, key)).toThrow(
      'issuedAt -1 is not a whole number of epoch milliseconds; pass clock.now()',
    );
    expect(() => signUnsubscribeToken({ ...claim, issuedAt: Number.MAX_SAFE_INTEGER + 2 }, key)).toThrow(
      UnsubscribeTokenError,
    );
    expect(() => signUnsubscribeToken({ ...claim, topic: '' }, key)).toThrow(
      'an unsubscribe token needs a non-empty contactId and topic',
    );
  });
});

describe('unsubscribe links', () => {
  it('puts the preference page under the base path, dropping query, fragment and trailing slashes', () => {
    const links = unsubscribeLinks('https://u.example.com/u//?s=1#top', 'TOKEN', 'PREF');
    expect(links.unsubscribe).toBe('https://u.example.com/u//?s=1&token=TOKEN#top');
    expect(links.preferences).toBe('https://u.example.com/u/preferences?token=PREF');
  });
});
