// The pages the unsubscribe function shows. They carry no personal data and load nothing external.

type PageKind = 'confirm' | 'done' | 'invalid';

const TEXT: Record<'en' | 'ja', Record<PageKind, { title: string; body: string; button?: string }>> = {
  en: {
    confirm: {
      title: 'Unsubscribe',
      body: 'Stop receiving these emails ({topic})? You can still use your account as usual.',
      button: 'Unsubscribe',
    },
    done: {
      title: 'You are unsubscribed',
      body: 'You will no longer receive these emails ({topic}). It takes effect immediately.',
    },
    invalid: {
      title: 'This link does not work',
      body: 'The unsubscribe link is invalid or has expired. Use the link in a recent email, or reply to it and we will remove you.',
    },
  },
  ja: {
    confirm: {
      title: '配信停止',
      body: 'このメール（{topic}）の配信を停止しますか？アカウントはこれまでどおりご利用いただけます。',
      button: '配信を停止する',
    },
    done: {
      title: '配信を停止しました',
      body: '今後このメール（{topic}）はお送りしません。停止はすぐに反映されます。',
    },
    invalid: {
      title: 'このリンクは無効です',
      body: '配信停止リンクが無効か、有効期限が切れています。最近のメールのリンクをお使いいただくか、そのメールにご返信ください。',
    },
  },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Renders one of the unsubscribe pages in English or Japanese. */
export function unsubscribePage(
  kind: PageKind,
  locale: string,
  options: { topic?: string; action?: string } = {},
): string {
  const language = locale.toLowerCase().startsWith('ja') ? 'ja' : 'en';
  const text = TEXT[language][kind];
  const body = escapeHtml(text.body.replace('{topic}', options.topic ?? ''));
  const form =
    kind === 'confirm' && text.button && options.action
      ? `<form method="post" action="${escapeHtml(options.action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(text.button)}</button></form>`
      : '';
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(text.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2937}button{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#1f2937;color:#fff;cursor:pointer}</style>
</head><body><h1>${escapeHtml(text.title)}</h1><p>${body}</p>${form}</body></html>`;
}
