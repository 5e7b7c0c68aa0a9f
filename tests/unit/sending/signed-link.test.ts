import { describe, expect, it } from 'vitest';
import {
  type LinkPurpose,
  linkPageOf,
  linkPageUrl,
  signLinkToken,
  verifyLinkToken,
} from '../../../functions/core/sending/signed-link.ts';
import {
  signUnsubscribeToken,
  verifyUnsubscribeToken,
} from '../../../functions/core/sending/unsubscribe-token.ts';

const key1 = { id: 'k2026', secret: `${'a'.repeat(16)}secret-material-0123456789` };
const key2 = { id: 'k2027', secret: `${'b'.repeat(16)}other-secret-material-98765` };
const DAY = 86_400_000;
const at = Date.parse('2026-12-01T00:00:00Z');
const PURPOSES: LinkPurpose[] = ['preferences', 'survey', 'cta'];

describe('purpose-bound link tokens', () => {
  it('round-trips claims for each purpose, with rotation by key id', () => {
    for (const purpose of PURPOSES) {
      const token = signLinkToken(purpose, { c: 'contact-1', s: 7 }, at, key1);
      expect(verifyLinkToken(purpose, token, [key2, key1], at + DAY, 30 * DAY)).toEqual({
        ok: true,
        claims: { c: 'contact-1', s: 7 },
        issuedAt: at,
      });
      expect(verifyLinkToken(purpose, token, [key2], at, DAY)).toEqual({ ok: false, reason: 'unknown-key' });
    }
  });

  it('never verifies a token as another purpose, even with the prefix rewritten', () => {
    const prefixes = { preferences: 'p1', survey: 'n1', cta: 'c1' };
    for (const signedAs of PURPOSES) {
      const token = signLinkToken(signedAs, { c: 'contact-1' }, at, key1);
      for (const other of PURPOSES.filter((p) => p !== signedAs)) {
        expect(verifyLinkToken(other, token, [key1], at, DAY)).toEqual({
          ok: false,
          reason: 'wrong-purpose',
        });
        const relabelled = `${prefixes[other]}${token.slice(2)}`;
        expect(verifyLinkToken(other, relabelled, [key1], at, DAY)).toEqual({
          ok: false,
          reason: 'bad-signature',
        });
      }
      // …and never as an unsubscribe token, nor an unsubscribe token as a link token.
      expect(verifyUnsubscribeToken(`u1${token.slice(2)}`, [key1], at, DAY).ok).toBe(false);
    }
    const unsubscribe = signUnsubscribeToken({ contactId: 'contact-1', topic: '*', issuedAt: at }, key1);
    for (const purpose of PURPOSES) {
      const relabelled = `${prefixes[purpose]}${unsubscribe.slice(2)}`;
      expect(verifyLinkToken(purpose, unsubscribe, [key1], at, DAY).ok).toBe(false);
      expect(verifyLinkToken(purpose, relabelled, [key1], at, DAY)).toEqual({
        ok: false,
        reason: 'bad-signature',
      });
    }
  });

  it('rejects forged, tampered, expired and future tokens', () => {
    const token = signLinkToken('preferences', { c: 'contact-1' }, at, key1);
    const forged = signLinkToken('preferences', { c: 'contact-1' }, at, {
      id: 'k2026',
      secret: 'z'.repeat(40),
    });
    expect(verifyLinkToken('preferences', forged, [key1], at, DAY).ok).toBe(false);
    const [p, k, , mac] = token.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ i: at, d: { c: 'contact-2' } })).toString('base64url');
    expect(verifyLinkToken('preferences', `${p}.${k}.${otherPayload}.${mac}`, [key1], at, DAY)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyLinkToken('preferences', token, [key1], at + 2 * DAY, DAY)).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verifyLinkToken('preferences', token, [key1], at - DAY, DAY)).toEqual({
      ok: false,
      reason: 'issued-in-future',
    });
    expect(verifyLinkToken('preferences', 'garbage', [key1], at, DAY)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('builds page URLs under the configured base and routes by the last path segment', () => {
    expect(linkPageUrl('https://links.example.com/u/?s=1', 'preferences', { token: 'a.b' })).toBe(
      'https://links.example.com/u/preferences?token=a.b',
    );
    expect(linkPageOf('/u/preferences')).toBe('preferences');
    expect(linkPageOf('/')).toBe('');
  });
});
