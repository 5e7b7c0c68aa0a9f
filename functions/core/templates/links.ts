/** UTM parameters added to the app and help links of one campaign step. */
export interface Utm {
  source: string;
  medium: string;
  campaign: string;
  content: string;
}

/** How the links of one rendered email are rewritten. */
export interface LinkPolicy {
  utm: Utm;
  /** origins (scheme://host[:port]) whose links get UTM parameters, e.g. the app and the help site */
  trackedOrigins: readonly string[];
}

// RFC 3986 allows unreserved, reserved and "%" (for existing escapes); everything else is percent-encoded.
const NOT_RFC3986 = /[^A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]/gu;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/g;

/**
 * Serializes an http(s) URL in strict RFC 3986 form (non-ASCII, spaces, braces, brackets outside the host
 * percent-encoded) so SES click tracking recognizes and wraps it. Returns undefined for other schemes.
 */
export function encodeUrlRfc3986(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const rest = url.href.slice(url.origin.length);
  return `${url.origin}${rest.replace(BAD_PERCENT, '%25').replace(NOT_RFC3986, (ch) => encodeURIComponent(ch))}`;
}

/** Adds utm_* parameters (keeping any already present) when the URL's origin is one of the tracked origins. */
export function withUtm(raw: string, policy: LinkPolicy): string {
  const encoded = encodeUrlRfc3986(raw);
  if (encoded === undefined) return raw;
  const url = new URL(encoded);
  if (!policy.trackedOrigins.includes(url.origin)) return encoded;
  const params: [string, string][] = [
    ['utm_source', policy.utm.source],
    ['utm_medium', policy.utm.medium],
    ['utm_campaign', policy.utm.campaign],
    ['utm_content', policy.utm.content],
  ];
  for (const [name, value] of params) {
    if (value && !url.searchParams.has(name)) url.searchParams.append(name, value);
  }
  return encodeUrlRfc3986(url.href) ?? encoded;
}

/** The origin of a configured base URL such as brand.appUrl, or undefined when it is not an http(s) URL. */
export function originOf(raw: string): string | undefined {
  const encoded = encodeUrlRfc3986(raw);
  return encoded === undefined ? undefined : new URL(encoded).origin;
}

// Rendering many contacts rewrites the same few URLs again and again; remember the results.
const rewriteCache = new Map<string, string>();
const REWRITE_CACHE_LIMIT = 20_000;

function cachedWithUtm(raw: string, policy: LinkPolicy, policyKey: string): string {
  const key = `${policyKey}\u0000${raw}`;
  const hit = rewriteCache.get(key);
  if (hit !== undefined) return hit;
  const value = withUtm(raw, policy);
  if (rewriteCache.size >= REWRITE_CACHE_LIMIT) rewriteCache.clear();
  rewriteCache.set(key, value);
  return value;
}

function policyKeyOf(policy: LinkPolicy): string {
  const { source, medium, campaign, content } = policy.utm;
  return [source, medium, campaign, content, ...policy.trackedOrigins].join('\u0001');
}

const ENTITY = /&(amp|lt|gt|quot|#39|#x27|#(\d+)|#x([0-9a-fA-F]+));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" };

/** Decodes the entities an HTML attribute value may hold (those Liquid's escape filter and MJML produce). */
export function decodeAttribute(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(ENTITY, (whole, name: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(Number.parseInt(hex, 16));
    return NAMED[name] ?? whole;
  });
}

function encodeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const ANCHOR = /<a\b[^>]*>/gi;
const HREF = /(\bhref\s*=\s*")([^"]*)(")/i;

/**
 * Rewrites every `<a href>` of rendered HTML: RFC 3986 encoding for all http(s) links and UTM parameters for
 * tracked origins. Anchors marked `ses:no-track` (the unsubscribe link) are left exactly as they are.
 */
export function rewriteHtmlLinks(html: string, policy: LinkPolicy): string {
  const policyKey = policyKeyOf(policy);
  return html.replace(ANCHOR, (tag) => {
    if (/\sses:no-track\b/i.test(tag)) return tag;
    return tag.replace(HREF, (_whole, before: string, value: string, after: string) => {
      const rewritten = cachedWithUtm(decodeAttribute(value), policy, policyKey);
      return `${before}${encodeAttribute(rewritten)}${after}`;
    });
  });
}

const TEXT_URL = /https?:\/\/[^\s\]<>"]+/g;

/** Rewrites the bare URLs of a plain-text part like {@link rewriteHtmlLinks}, except those in `untouched`. */
export function rewriteTextLinks(text: string, policy: LinkPolicy, untouched: readonly string[]): string {
  const policyKey = policyKeyOf(policy);
  return text.replace(TEXT_URL, (url) =>
    untouched.includes(url) ? url : cachedWithUtm(url, policy, policyKey),
  );
}
