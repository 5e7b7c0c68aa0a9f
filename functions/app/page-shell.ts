// The frame of the pages behind signed links (preferences, survey, CTA actions): no script, no cookies,
// nothing loaded from elsewhere, and forms that post only to the configured link origin.

/** What a link page answers. */
export interface PageResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The languages the link pages are written in. */
export type PageLanguage = 'en' | 'ja';

/** ja for Japanese locales, en for everything else. */
export function pageLanguage(locale: string | undefined): PageLanguage {
  return locale?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Response headers of a page whose forms post to `formOrigin` (the configured link base), or to itself. */
export function pageHeaders(formOrigin: string | undefined): Record<string, string> {
  const formAction = formOrigin ? `'self' ${formOrigin}` : "'self'";
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'`,
  };
}

/** The origin of a configured base URL, or undefined when none is configured. */
export function originOfBase(baseUrl: string | undefined): string | undefined {
  if (!baseUrl) return undefined;
  try {
    return new URL(baseUrl).origin;
  } catch {
    return undefined;
  }
}

const STYLE = [
  '*{box-sizing:border-box}',
  'body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;max-width:40rem;margin:0 auto;padding:2rem 1rem;color:#1f2937;line-height:1.6;overflow-wrap:anywhere}',
  'h1{font-size:1.5rem;margin:0 0 1rem}h2{font-size:1.1rem;margin:2rem 0 .5rem}',
  'p{margin:.5rem 0}.muted{color:#5f6b7a;font-size:.9rem}',
  '.notice{background:#ecfdf5;border:1px solid #a7f3d0;border-radius:6px;padding:.6rem .8rem}',
  '.warn{background:#fffbeb;border:1px solid #fde68a;border-radius:6px;padding:.6rem .8rem}',
  'ul.list{list-style:none;padding:0;margin:0}',
  'ul.list>li{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;border-top:1px solid #e5e7eb;padding:.8rem 0}',
  'ul.list>li>div{flex:1 1 16rem;min-width:0}',
  'form{margin:0;display:inline-block}.row{display:flex;flex-wrap:wrap;gap:.5rem}',
  'button{font:inherit;font-size:.95rem;padding:.5rem 1rem;border:1px solid #1f2937;border-radius:6px;background:#1f2937;color:#fff;cursor:pointer;max-width:100%}',
  'button.secondary{background:#fff;color:#1f2937}',
  'textarea{font:inherit;width:100%;min-height:6rem;padding:.5rem;border:1px solid #9ca3af;border-radius:6px}',
  'a{color:#1d4ed8}',
].join('');

/** A whole page in one language: title, body HTML (already escaped) and an optional footer link. */
export function pageShell(
  language: PageLanguage,
  title: string,
  bodyHtml: string,
  footer?: { href: string; label: string },
): string {
  const foot = footer
    ? `<p class="muted" style="margin-top:2rem"><a href="${escapeHtml(footer.href)}">${escapeHtml(footer.label)}</a></p>`
    : '';
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style>
</head><body><main><h1>${escapeHtml(title)}</h1>${bodyHtml}${foot}</main></body></html>`;
}

/** One POST form holding hidden fields and a single button. */
export function postButton(
  action: string,
  fields: Record<string, string>,
  label: string,
  secondary = false,
): string {
  const hidden = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<form method="post" action="${escapeHtml(action)}">${hidden}<button type="submit"${secondary ? ' class="secondary"' : ''}>${escapeHtml(label)}</button></form>`;
}

/** Formats an instant as a long date in the language and time zone of the reader. */
export function longDate(epochMs: number, language: PageLanguage, timeZone: string): string {
  let zone = timeZone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    zone = 'UTC';
  }
  return new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-US', {
    dateStyle: 'long',
    timeZone: zone,
  }).format(new Date(epochMs));
}

/** Reads an application/x-www-form-urlencoded body (possibly base64 as Function URLs deliver it). */
export function formOf(body: string | undefined, isBase64Encoded: boolean | undefined): URLSearchParams {
  if (!body) return new URLSearchParams();
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  return new URLSearchParams(text.slice(0, 8192));
}
