import { beforeAll, describe, expect, it } from 'vitest';
import { compileTemplateSource } from '../../../functions/core/templates/compile.ts';
import { formatFromAddress } from '../../../functions/core/templates/mailbox.ts';
import { renderCsmDigest, renderEmail, tryRenderEmail } from '../../../functions/core/templates/render.ts';
import { type CompiledTemplate, RenderError } from '../../../functions/core/templates/types.ts';
import { context, NOW, SOURCES, templateFile, textBody, UTM } from './helpers.ts';

let renewalJa: CompiledTemplate;
let renewalEn: CompiledTemplate;

beforeAll(async () => {
  const body = textBody(
    [
      '<p>{{ account.name }} {{ contact.name }} 様</p>',
      '<p>更新日 {{ account.renewalAt | local_date }}、あと {{ account.renewalAt | days_until }} 日、',
      '年額 {{ account.arr | currency }}</p>',
      '<a href="{{ brand.appUrl }}/settings/billing">確認</a> <a href="https://elsewhere.example/x">外部</a>',
      '{% if account.trialEndsAt %}trial{% endif %}{{ segment | default: "none" }}',
    ].join(''),
  );
  renewalJa = await compileTemplateSource(
    'renewal/30-days',
    'ja',
    templateFile(
      [
        'subject: "【更新のお知らせ】{{ contact.name }}様 𠮷野家 {{ account.renewalAt | local_date }}"',
        'fromName: "Tsumiki 契約担当"',
      ],
      body,
    ),
    SOURCES,
  );
  renewalEn = await compileTemplateSource(
    'renewal/30-days',
    'en',
    templateFile(['subject: "Renews {{ account.renewalAt | local_date }}"'], body),
    SOURCES,
  );
});

describe('renderEmail', () => {
  it('renders Japanese subject and body intact, with dates, money and days in the contact locale', () => {
    const email = renderEmail(renewalJa, context(), { utm: UTM, now: NOW });
    expect(email.subject).toBe('【更新のお知らせ】田中 花子様 𠮷野家 2027年2月20日');
    expect(email.subject.normalize('NFC')).toBe(email.subject);
    expect(email.html).toContain('株式会社ミナト 田中 花子 様');
    expect(email.html).toContain('更新日 2027年2月20日、あと 30 日、年額 ￥1,200,000');
    expect(email.text).toContain('更新日 2027年2月20日、あと 30 日、年額 ￥1,200,000');
    expect(email.html).toContain('<html lang="ja"');
    expect(email.html).toContain('配信停止');
    expect(email.fromName).toBe('Tsumiki 契約担当');
    expect(email.locale).toBe('ja');
    expect(Buffer.from(email.html, 'utf8').toString('utf8')).toBe(email.html);
  });

  it('formats for English readers in their own time zone', () => {
    const ctx = context('c-2', {});
    ctx.contact = { ...ctx.contact, timeZone: 'America/Los_Angeles', locale: 'en' };
    ctx.account = { ...ctx.account, currency: 'USD', arr: 4800, renewalAt: '2027-02-20T03:00:00Z' };
    const email = renderEmail(renewalEn, ctx, { utm: UTM, now: NOW });
    // 03:00 UTC on the 20th is still the 19th in Los Angeles.
    expect(email.subject).toBe('Renews February 19, 2027');
    expect(email.html).toContain('$4,800.00');
  });

  it('adds List-Unsubscribe (https) and one-click headers', () => {
    const email = renderEmail(renewalJa, context(), { utm: UTM, now: NOW });
    expect(email.headers).toEqual([
      { name: 'List-Unsubscribe', value: '<https://u.tsumiki.example/u?token=t-c-1>' },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
    expect(email.html).toContain('<a ses:no-track href="https://u.tsumiki.example/u?token=t-c-1">');
  });

  it('adds UTM to app links only', () => {
    const email = renderEmail(renewalJa, context(), { utm: UTM, now: NOW });
    expect(email.html).toContain(
      'href="https://app.tsumiki.example/settings/billing?utm_source=lowtouch&amp;utm_medium=email&amp;utm_campaign=renewal&amp;utm_content=notice-30"',
    );
    expect(email.html).toContain('href="https://elsewhere.example/x"');
    expect(email.text).toContain(
      'https://app.tsumiki.example/settings/billing?utm_source=lowtouch&utm_medium=email',
    );
  });

  it('escapes HTML in data and keeps headers on one line', () => {
    const ctx = context();
    ctx.contact = { ...ctx.contact, name: '<script>alert(1)</script>\r\nBcc: x@evil.example' };
    const email = renderEmail(renewalJa, ctx, { utm: UTM, now: NOW });
    expect(email.html).not.toContain('<script>alert(1)');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toContain('</script> Bcc: x@evil.example');
  });

  it('raises RenderError naming template, locale and variable, and the rest of the batch still renders', () => {
    const contacts = [context('c-1'), context('c-2'), context('c-3')];
    const broken = contacts[1];
    if (!broken) throw new Error('fixture');
    const { renewalAt: _dropped, ...withoutRenewal } = broken.account;
    broken.account = withoutRenewal;
    const outcomes = contacts.map((ctx) => tryRenderEmail(renewalJa, ctx, { utm: UTM, now: NOW }));
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    const failed = outcomes[1];
    if (!failed || failed.ok) throw new Error('expected a failure');
    expect(failed.error).toBeInstanceOf(RenderError);
    expect(failed.error.templateId).toBe('renewal/30-days');
    expect(failed.error.locale).toBe('ja');
    expect(failed.error.variable).toBe('account.renewalAt');
    expect(failed.error.message).toMatch(
      /renewal\/30-days \(ja, subject\) needs account\.renewalAt, which contact c-2/,
    );
    expect(failed.error.message).not.toContain('@customer.example');
    const ok = outcomes[2];
    expect(ok?.ok && ok.email.html).toContain('c-3');
  });

  it('reports a bad value for a filter as a RenderError at that variable', () => {
    const ctx = context();
    ctx.account = { ...ctx.account, renewalAt: 'next spring' };
    expect(() => renderEmail(renewalJa, ctx, { utm: UTM, now: NOW })).toThrow(
      expect.objectContaining({ name: 'RenderError', variable: 'account.renewalAt' }),
    );
  });

  it('refuses an unsubscribe link that is not https', () => {
    const ctx = context();
    ctx.links = { ...ctx.links, unsubscribe: 'http://u.tsumiki.example/u' };
    expect(() => renderEmail(renewalJa, ctx, { utm: UTM, now: NOW })).toThrow(/needs https/);
    ctx.links = { ...ctx.links, unsubscribe: 'http://127.0.0.1:3000/u?token=x' };
    expect(renderEmail(renewalJa, ctx, { utm: UTM, now: NOW }).headers[0]?.value).toBe(
      '<http://127.0.0.1:3000/u?token=x>',
    );
  });

  it('renders a CSM digest without unsubscribe headers', async () => {
    const digest = await compileTemplateSource(
      'csm/digest',
      'en',
      templateFile(
        ['subject: "{{ ctas.size }} accounts need you"', 'kind: csm-digest'],
        textBody(
          '{% for cta in ctas %}<p>{{ cta.accountName }}: {{ cta.reason }} by {{ cta.dueAt | local_date }}</p>{% endfor %}',
        ),
      ),
      {
        ...SOURCES,
        partials: { footer: '<mj-section><mj-column><mj-text>internal</mj-text></mj-column></mj-section>' },
      },
    );
    const email = renderCsmDigest(
      digest,
      {
        csm: { name: 'Mari' },
        brand: context().brand,
        ctas: [
          { accountName: 'Minato', type: 'renewal', reason: 'renews soon', dueAt: '2027-01-25T00:00:00Z' },
        ],
      },
      { now: NOW, timeZone: 'Asia/Tokyo' },
    );
    expect(email.subject).toBe('1 accounts need you');
    expect(email.text).toContain('Minato: renews soon by January 25, 2027');
    expect(email.headers).toEqual([]);
    expect(() => renderEmail(digest, context(), { utm: UTM, now: NOW })).toThrow(/renderCsmDigest/);
  });
});

describe('formatFromAddress', () => {
  it('quotes ASCII names and MIME-encodes Japanese ones in short encoded words', () => {
    expect(formatFromAddress('Aiko "A" Sato', 'cs@tsumiki.example')).toBe(
      '"Aiko \\"A\\" Sato" <cs@tsumiki.example>',
    );
    expect(formatFromAddress(undefined, 'cs@tsumiki.example')).toBe('cs@tsumiki.example');
    const long = 'Tsumiki カスタマーサクセス部 オンボーディング担当 佐藤';
    const formatted = formatFromAddress(long, 'cs@tsumiki.example');
    const words = formatted.replace(' <cs@tsumiki.example>', '').split(' ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) {
      expect(word.length).toBeLessThanOrEqual(75);
      expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    }
    const decoded = words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('');
    expect(decoded).toBe(long);
  });
});
