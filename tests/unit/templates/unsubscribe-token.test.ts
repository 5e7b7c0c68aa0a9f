import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  signUnsubscribeToken,
  unsubscribeLinks,
  verifyUnsubscribeToken,
} from '../../../functions/core/sending/unsubscribe-token.ts';

const key1 = { id: 'k2026', secret: `${'a'.repeat(16)}secret-material-0123456789` };
const key2 = { id: 'k2027', secret: `${'b'.repeat(16)}other-secret-material-98765` };
const DAY = 86_400_000;
const issuedAt = Date.parse('2026-12-01T00:00:00Z');
const claim = { contactId: 'contact-42', topic: 'onboarding-tips', issuedAt };

describe('unsubscribe tokens', () => {
  it('round-trips contact, topic and issue time', () => {
    const token = signUnsubscribeToken(claim, key1);
    expect(token).toMatch(/^u1\.k2026\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyUnsubscribeToken(token, [key1], issuedAt + DAY, 365 * DAY)).toEqual({ ok: true, ...claim });
  });

  it('survives non-ASCII ids and topics', () => {
    const token = signUnsubscribeToken({ ...claim, contactId: '顧客-1', topic: 'お知らせ' }, key1);
    expect(verifyUnsubscribeToken(token, [key1], issuedAt, DAY)).toMatchObject({
      ok: true,
      contactId: '顧客-1',
    });
  });

  it('accepts a token signed with an older key that is still listed (rotation)', () => {
    const old = signUnsubscribeToken(claim, key1);
    expect(verifyUnsubscribeToken(old, [key2, key1], issuedAt, DAY).ok).toBe(true);
    expect(verifyUnsubscribeToken(old, [key2], issuedAt, DAY)).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('rejects a token whose key id is swapped to another known key', () => {
    const token = signUnsubscribeToken(claim, key1).replace('.k2026.', '.k2027.');
    expect(verifyUnsubscribeToken(token, [key1, key2], issuedAt, DAY)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('rejects a payload changed to another contact or topic', () => {
    const token = signUnsubscribeToken(claim, key1);
    const [v, k, , mac] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ c: 'contact-43', t: 'onboarding-tips', i: issuedAt }),
    ).toString('base64url');
    expect(verifyUnsubscribeToken(`${v}.${k}.${forged}.${mac}`, [key1], issuedAt, DAY)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('rejects any single-character change anywhere in the token', () => {
    const token = signUnsubscribeToken(claim, key1);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...alphabet), (index, ch) => {
        fc.pre(token[index] !== ch);
        const tampered = `${token.slice(0, index)}${ch}${token.slice(index + 1)}`;
        expect(verifyUnsubscribeToken(tampered, [key1, key2], issuedAt, DAY).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects every truncation', () => {
    const token = signUnsubscribeToken(claim, key1);
    for (let length = 0; length < token.length; length++) {
      expect(verifyUnsubscribeToken(token.slice(0, length), [key1], issuedAt, DAY).ok).toBe(false);
    }
  });

  it('rejects a token signed with a different secret under the same key id', () => {
    const token = signUnsubscribeToken(claim, { id: key1.id, secret: key2.secret });
    expect(verifyUnsubscribeToken(token, [key1], issuedAt, DAY)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('rejects expired tokens and tokens from the future, accepting small clock skew', () => {
    const token = signUnsubscribeToken(claim, key1);
    expect(verifyUnsubscribeToken(token, [key1], issuedAt + 31 * DAY, 30 * DAY)).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verifyUnsubscribeToken(token, [key1], issuedAt + 30 * DAY, 30 * DAY).ok).toBe(true);
    expect(verifyUnsubscribeToken(token, [key1], issuedAt - 60_000, DAY).ok).toBe(true);
    expect(verifyUnsubscribeToken(token, [key1], issuedAt - DAY, DAY)).toEqual({
      ok: false,
      reason: 'issued-in-future',
    });
  });

  it('never throws on garbage', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (garbage) => {
        expect(verifyUnsubscribeToken(garbage, [key1], issuedAt, DAY).ok).toBe(false);
      }),
    );
    expect(verifyUnsubscribeToken('u1.k2026.!!!.x', [key1], issuedAt, DAY).ok).toBe(false);
    expect(verifyUnsubscribeToken('x'.repeat(5000), [key1], issuedAt, DAY)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('refuses weak keys and bad claims when signing, saying how to fix them', () => {
    expect(() => signUnsubscribeToken(claim, { id: 'k', secret: 'short' })).toThrow(/at least 32/);
    expect(() => signUnsubscribeToken(claim, { id: 'bad.id', secret: key1.secret })).toThrow(
      /letters, digits/,
    );
    expect(() => signUnsubscribeToken({ ...claim, contactId: '' }, key1)).toThrow(/non-empty/);
    expect(() => signUnsubscribeToken({ ...claim, issuedAt: 1.5 }, key1)).toThrow(/epoch milliseconds/);
  });

  it('builds unsubscribe and preference links that carry the token', () => {
    const token = signUnsubscribeToken(claim, key1);
    const links = unsubscribeLinks('https://u.example.com/unsubscribe?s=send-1', token, 'p1.k.x.y');
    const url = new URL(links.unsubscribe);
    expect(url.searchParams.get('token')).toBe(token);
    expect(url.searchParams.get('s')).toBe('send-1');
    const preferences = new URL(links.preferences);
    expect(preferences.pathname).toBe('/unsubscribe/preferences');
    expect(preferences.searchParams.get('token')).toBe('p1.k.x.y');
    expect(preferences.searchParams.get('s')).toBeNull();
  });
});
