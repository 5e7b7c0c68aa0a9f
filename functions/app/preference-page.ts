import type { TopicView } from '../core/sending/preferences.ts';
import { escapeHtml, type PageLanguage, pageShell, postButton } from './page-shell.ts';

/** What the preference page shows for one contact. */
export interface PreferencePageModel {
  language: PageLanguage;
  topics: TopicView[];
  unsubscribedAll: boolean;
  suppressed: boolean;
  /** the pause's end, formatted for the reader; absent when not paused */
  pausedUntilText?: string;
  /** set after a POST: what was saved */
  notice?: 'saved' | 'unknown-action';
  /** the form action: the configured preferences URL of this token */
  action: string;
  helpUrl: string;
}

const TEXT = {
  en: {
    title: 'Email preferences',
    intro: 'Choose which emails you receive from us. Changes apply from the next email.',
    saved: 'Saved. Your choices apply from the next email.',
    unknown: 'That choice is not available. Please pick one of the buttons below.',
    topicsHeading: 'Topics',
    subscribed: 'Subscribed',
    unsubscribed: 'Not subscribed',
    stop: 'Unsubscribe',
    start: 'Subscribe',
    allOff: 'You are unsubscribed from all emails. Topics you subscribe to below start again.',
    resubscribe: 'Re-subscribe to all emails',
    paused: (until: string) => `All emails are paused until ${until}.`,
    resume: 'Resume emails now',
    pauseHeading: 'Take a break',
    pauseIntro: 'Pause every email for a while; they start again by themselves.',
    pause30: 'Pause for 30 days',
    pause90: 'Pause for 90 days',
    allHeading: 'Unsubscribe from everything',
    allIntro: 'Stop all emails from us. You can still use your account as usual.',
    unsubscribeAll: 'Unsubscribe from all emails',
    suppressed:
      'Emails to your address are currently not delivered (an earlier email bounced or was reported). Contact support to restore delivery.',
    help: 'Help center',
  },
  ja: {
    title: '配信設定',
    intro: '受け取るメールをお選びください。変更は次回のメールから反映されます。',
    saved: '保存しました。次回のメールから反映されます。',
    unknown: 'その操作は選べません。下のボタンからお選びください。',
    topicsHeading: 'メールの種類',
    subscribed: '受信中',
    unsubscribed: '停止中',
    stop: '配信を停止する',
    start: '受け取る',
    allOff: 'すべてのメールの配信を停止しています。下で「受け取る」を選んだ種類は再開します。',
    resubscribe: 'すべてのメールの配信を再開する',
    paused: (until: string) => `${until}まで、すべてのメールを一時停止しています。`,
    resume: '今すぐ再開する',
    pauseHeading: '一時停止',
    pauseIntro: 'しばらくの間すべてのメールを止めます。期間が過ぎると自動で再開します。',
    pause30: '30日間停止する',
    pause90: '90日間停止する',
    allHeading: 'すべての配信停止',
    allIntro: '当社からのすべてのメールを停止します。アカウントはこれまでどおりご利用いただけます。',
    unsubscribeAll: 'すべてのメールの配信を停止する',
    suppressed:
      'お使いのアドレスには現在メールをお届けしていません（以前のメールが不達または迷惑メール報告となったため）。再開はサポートまでご連絡ください。',
    help: 'ヘルプセンター',
  },
} as const;

/** Renders the preference page: one POST form per choice, so it works without script or cookies. */
export function preferencePage(model: PreferencePageModel): string {
  const t = TEXT[model.language];
  const parts: string[] = [`<p>${escapeHtml(t.intro)}</p>`];
  if (model.notice === 'saved') parts.push(`<p class="notice" role="status">${escapeHtml(t.saved)}</p>`);
  if (model.notice === 'unknown-action')
    parts.push(`<p class="warn" role="alert">${escapeHtml(t.unknown)}</p>`);
  if (model.suppressed) parts.push(`<p class="warn">${escapeHtml(t.suppressed)}</p>`);
  if (model.unsubscribedAll) {
    parts.push(
      `<div class="warn"><p>${escapeHtml(t.allOff)}</p>${postButton(model.action, { action: 'resubscribe' }, t.resubscribe)}</div>`,
    );
  }
  if (model.pausedUntilText) {
    parts.push(
      `<div class="warn"><p>${escapeHtml(t.paused(model.pausedUntilText))}</p>${postButton(model.action, { action: 'resume' }, t.resume)}</div>`,
    );
  }
  const rows = model.topics.map((topic) => {
    const on = topic.subscribed && !model.unsubscribedAll;
    const state = on ? t.subscribed : t.unsubscribed;
    const button = on
      ? postButton(model.action, { action: 'topic-off', topic: topic.id }, t.stop, true)
      : postButton(model.action, { action: 'topic-on', topic: topic.id }, t.start);
    return `<li><div><strong>${escapeHtml(topic.name)}</strong> <span class="muted">(${escapeHtml(state)})</span><br><span class="muted">${escapeHtml(topic.description)}</span></div>${button}</li>`;
  });
  parts.push(`<h2>${escapeHtml(t.topicsHeading)}</h2><ul class="list">${rows.join('')}</ul>`);
  if (!model.unsubscribedAll) {
    parts.push(
      `<h2>${escapeHtml(t.pauseHeading)}</h2><p class="muted">${escapeHtml(t.pauseIntro)}</p><div class="row">${postButton(model.action, { action: 'pause-30' }, t.pause30, true)}${postButton(model.action, { action: 'pause-90' }, t.pause90, true)}</div>`,
      `<h2>${escapeHtml(t.allHeading)}</h2><p class="muted">${escapeHtml(t.allIntro)}</p>${postButton(model.action, { action: 'unsubscribe-all' }, t.unsubscribeAll, true)}`,
    );
  }
  return pageShell(model.language, t.title, parts.join(''), { href: model.helpUrl, label: t.help });
}

/** The page for a link that does not work; it names nobody and says nothing about why. */
export function invalidLinkPage(language: PageLanguage): string {
  const text =
    language === 'ja'
      ? {
          title: 'このリンクは無効です',
          body: 'リンクが無効か、有効期限が切れています。最近のメールのリンクをお使いください。',
        }
      : {
          title: 'This link does not work',
          body: 'The link is invalid or has expired. Please use the link in a recent email.',
        };
  return pageShell(language, text.title, `<p>${escapeHtml(text.body)}</p>`);
}
