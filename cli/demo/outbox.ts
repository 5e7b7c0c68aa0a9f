import type { StoredEmail } from '../../functions/adapters/local-emulators.ts';
import type { SendRecord } from '../../functions/core/sending/send.ts';
import { decodeMimeWords } from './mime-words.ts';

/** One email of the outbox: what the SES emulator received, with the send it belongs to. */
export interface OutboxEntry {
  messageId: string;
  /** simulated send time (ISO), or undefined for mail without a send record (CSM digests) */
  sentAt?: string;
  campaignId: string;
  stepId: string;
  variantId: string;
  locale: string;
  segment: string;
  contactId: string;
  from: string;
  to: string;
  subject: string;
  headers: { name: string; value: string }[];
  html: string;
  text: string;
}

/** Joins the emulator's mail with the send records by SES message id; decodes MIME words in headers. */
export function outboxEntries(emails: readonly StoredEmail[], sends: readonly SendRecord[]): OutboxEntry[] {
  const byMessage = new Map<string, SendRecord>();
  for (const send of sends) if (send.messageId) byMessage.set(send.messageId, send);
  const entries = emails.map((email): OutboxEntry => {
    const send = byMessage.get(email.messageId);
    return {
      messageId: email.messageId,
      ...(send?.sentAt ? { sentAt: send.sentAt } : {}),
      campaignId: send?.campaignId ?? 'CSM digest',
      stepId: send?.stepId ?? '-',
      variantId: send?.variantId ?? '-',
      locale: send?.locale ?? '-',
      segment: send?.segment ?? '-',
      contactId: send?.contactId ?? '-',
      from: decodeMimeWords(email.from),
      to: email.destination.to.join(', '),
      subject: decodeMimeWords(email.subject),
      headers: (email.headers ?? []).map((h) => ({ name: h.name, value: decodeMimeWords(h.value) })),
      html: email.body.html ?? '',
      text: email.body.text ?? '',
    };
  });
  // Simulated send time first; digests (no send record) keep the emulator's order at the end.
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => {
      const x = a.entry.sentAt ?? '\uffff';
      const y = b.entry.sentAt ?? '\uffff';
      return x < y ? -1 : x > y ? 1 : a.index - b.index;
    })
    .map(({ entry }) => entry);
}

/**
 * The mail HTML as shown in the outbox: remote stylesheets, font imports and image sources are left
 * out (kept in a data attribute), so the page makes no request and logs no refusal.
 */
export function withoutRemoteResources(html: string): string {
  return html
    .replace(/<link\b[^>]*\bhref=["']?(?:https?:)?\/\/[^>]*>/gi, '')
    .replace(/@import\s+url\(\s*["']?(?:https?:)?\/\/[^)]*\)\s*;?/gi, '')
    .replace(/\b(src|background)=(["'])((?:https?:)?\/\/[^"']*)\2/gi, 'data-remote-$1=$2$3$2');
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

// Every request the page could make is refused: the mail HTML is shown as sent, but remote images and
// fonts stay unloaded, so opening the outbox never reaches the network (srcdoc frames inherit this).
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; frame-src 'self'";

const CSS = `
:root{color-scheme:light;--fg:#1d2733;--muted:#5b6775;--line:#d8dee5;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header,main{max-width:1100px;margin:0 auto;padding:12px 16px}
h1{font-size:1.4rem;margin:0 0 4px}
.muted{color:var(--muted)}
form{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}
label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted);min-width:0;flex:1 1 140px}
select,input{font:inherit;padding:4px;max-width:100%}
details.mail{background:#fff;border:1px solid var(--line);border-radius:6px;margin:0 0 8px;padding:8px 12px;overflow-wrap:anywhere}
details.mail>summary{cursor:pointer;list-style:none}
.meta{display:flex;flex-wrap:wrap;gap:4px 12px;font-size:.8rem;color:var(--muted)}
.subject{font-weight:600;display:block}
.tabs{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
iframe{width:100%;height:640px;border:1px solid var(--line);border-radius:4px;background:#fff}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem;background:var(--bg);padding:8px;border-radius:4px;margin:0}
dl{display:grid;grid-template-columns:minmax(0,max-content) minmax(0,1fr);gap:2px 12px;font-size:.85rem;margin:0}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
[hidden]{display:none!important}
`;

// Frames are built only when a mail is opened, so hundreds of emails load at once without lag.
const SCRIPT = `
const filters=[...document.querySelectorAll('[data-filter]')];
const search=document.getElementById('q');
const mails=[...document.querySelectorAll('details.mail')];
const shown=document.getElementById('shown');
function apply(){let n=0;const q=search.value.trim().toLowerCase();
for(const m of mails){let ok=filters.every(f=>!f.value||m.dataset[f.dataset.filter]===f.value);
if(ok&&q)ok=m.dataset.search.includes(q);m.hidden=!ok;if(ok)n++;}shown.textContent=String(n);}
for(const f of filters)f.addEventListener('change',apply);search.addEventListener('input',apply);
for(const m of mails)m.addEventListener('toggle',()=>{const slot=m.querySelector('.html');
if(!m.open||!slot||slot.firstChild)return;const src=document.getElementById('src-'+m.id);
const f=document.createElement('iframe');f.setAttribute('sandbox','');f.title='rendered HTML';
f.srcdoc=src.textContent.replace(/<\\\\(!--|\\/script)/gi,'<$1');slot.appendChild(f);});
`;

function options(values: readonly string[]): string {
  return [...new Set(values)]
    .sort()
    .map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`)
    .join('');
}

const FILTERS: [keyof OutboxEntry & string, string][] = [
  ['campaignId', 'campaign'],
  ['stepId', 'step'],
  ['variantId', 'variant'],
  ['locale', 'locale'],
  ['segment', 'segment'],
];

/** The outbox page: every email by simulated send time, with filters, rendered HTML, text and headers. */
export function renderOutbox(entries: readonly OutboxEntry[], links: { report?: string } = {}): string {
  const selects = FILTERS.map(
    ([key, label]) =>
      `<label>${label}<select data-filter="${key.toLowerCase()}"><option value="">all</option>${options(entries.map((e) => String(e[key])))}</select></label>`,
  ).join('');
  const mails = entries
    .map((e, i) => {
      const data = FILTERS.map(([key]) => `data-${key.toLowerCase()}="${escapeHtml(String(e[key]))}"`).join(
        ' ',
      );
      const search = escapeHtml(`${e.subject} ${e.to} ${e.contactId} ${e.from}`.toLowerCase());
      const when = e.sentAt ? `${e.sentAt.slice(0, 16).replace('T', ' ')} UTC` : 'nightly digest';
      const headers = [
        { name: 'From', value: e.from },
        { name: 'To', value: e.to },
        { name: 'Subject', value: e.subject },
        ...e.headers,
      ]
        .map((h) => `<dt>${escapeHtml(h.name)}</dt><dd>${escapeHtml(h.value)}</dd>`)
        .join('');
      return `<details class="mail" id="m${i}" ${data} data-search="${search}">
<summary><span class="subject">${escapeHtml(e.subject)}</span><span class="meta"><span>${escapeHtml(when)}</span><span>${escapeHtml(e.campaignId)} / ${escapeHtml(e.stepId)} / ${escapeHtml(e.variantId)}</span><span>${escapeHtml(e.locale)}</span><span>segment ${escapeHtml(e.segment)}</span><span>to ${escapeHtml(e.contactId)}</span></span></summary>
<div class="html"></div>
<script type="text/html" id="src-m${i}">${withoutRemoteResources(e.html).replace(/<(!--|\/script)/gi, '<\\$1')}</script>
<details><summary>text</summary><pre>${escapeHtml(e.text)}</pre></details>
<details><summary>headers</summary><dl>${headers}</dl></details>
</details>`;
    })
    .join('\n');
  const report = links.report ? ` · <a href="${escapeHtml(links.report)}">KPI report</a>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>lowtouch outbox: ${entries.length} emails</title><style>${CSS}</style></head>
<body><header><h1>Outbox</h1>
<p class="muted">Every email the SES emulator received during the simulated run, by simulated send time. Open one to see it rendered (remote images are not loaded), its text part and its headers. <span id="shown">${entries.length}</span> of ${entries.length} shown${report}.</p>
<form onsubmit="return false">${selects}<label>search<input id="q" type="search" placeholder="subject, contact id"></label></form></header>
<main>${mails || '<p>No email was sent.</p>'}</main>
<script>${SCRIPT}</script></body></html>
`;
}
