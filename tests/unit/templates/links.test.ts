import { describe, expect, it } from 'vitest';
import {
  decodeAttribute,
  encodeUrlRfc3986,
  type LinkPolicy,
  rewriteHtmlLinks,
  rewriteTextLinks,
  withUtm,
} from '../../../functions/core/templates/links.ts';

const policy: LinkPolicy = {
  utm: { source: 'lowtouch', medium: 'email', campaign: 'onboarding', content: 'welcome-a' },
  trackedOrigins: ['https://app.tsumiki.example', 'https://help.tsumiki.example'],
};

describe('links', () => {
  it('percent-encodes everything RFC 3986 does not allow', () => {
    expect(encodeUrlRfc3986('https://help.tsumiki.example/ガイド?q=月次 レポート&x={a}|[b]')).toBe(
      'https://help.tsumiki.example/%E3%82%AC%E3%82%A4%E3%83%89?q=%E6%9C%88%E6%AC%A1%20%E3%83%AC%E3%83%9D%E3%83%BC%E3%83%88&x=%7Ba%7D%7C%5Bb%5D',
    );
    expect(encodeUrlRfc3986('https://a.example/100%')).toBe('https://a.example/100%25');
    expect(encodeUrlRfc3986('https://a.example/ok%20already')).toBe('https://a.example/ok%20already');
    expect(encodeUrlRfc3986('mailto:cs@tsumiki.example')).toBeUndefined();
    expect(encodeUrlRfc3986('not a url')).toBeUndefined();
  });

  it('adds UTM parameters to tracked origins only, keeping existing ones', () => {
    expect(withUtm('https://app.tsumiki.example/projects/new?source=template', policy)).toBe(
      'https://app.tsumiki.example/projects/new?source=template&utm_source=lowtouch&utm_medium=email&utm_campaign=onboarding&utm_content=welcome-a',
    );
    expect(withUtm('https://app.tsumiki.example/x?utm_campaign=kept', policy)).toContain('utm_campaign=kept');
    expect(withUtm('https://app.tsumiki.example/x?utm_campaign=kept', policy)).not.toContain('onboarding');
    expect(withUtm('https://other.example/x', policy)).toBe('https://other.example/x');
    expect(withUtm('https://app.tsumiki.example/#/board', policy)).toBe(
      'https://app.tsumiki.example/?utm_source=lowtouch&utm_medium=email&utm_campaign=onboarding&utm_content=welcome-a#/board',
    );
  });

  it('rewrites hrefs in HTML, decoding and re-encoding entities, and leaves ses:no-track anchors alone', () => {
    const html = [
      '<a href="https://app.tsumiki.example/a?x=1&amp;y=2" style="c">Go</a>',
      '<a\n   href="https://help.tsumiki.example/ガイド" target="_blank">Guide</a>',
      '<a ses:no-track href="https://app.tsumiki.example/unsubscribe?token=t&amp;v=1">Unsubscribe</a>',
      '<a href="mailto:cs@tsumiki.example">Mail</a>',
    ].join('\n');
    const out = rewriteHtmlLinks(html, policy);
    expect(out).toContain(
      'href="https://app.tsumiki.example/a?x=1&amp;y=2&amp;utm_source=lowtouch&amp;utm_medium=email&amp;utm_campaign=onboarding&amp;utm_content=welcome-a"',
    );
    expect(out).toContain(
      'href="https://help.tsumiki.example/%E3%82%AC%E3%82%A4%E3%83%89?utm_source=lowtouch',
    );
    expect(out).toContain('<a ses:no-track href="https://app.tsumiki.example/unsubscribe?token=t&amp;v=1">');
    expect(out).toContain('href="mailto:cs@tsumiki.example"');
  });

  it('rewrites bare URLs in text except the ones it is told to leave', () => {
    const text = 'Open [https://app.tsumiki.example/x] or leave [https://app.tsumiki.example/u?token=t]';
    const out = rewriteTextLinks(text, policy, ['https://app.tsumiki.example/u?token=t']);
    expect(out).toContain('https://app.tsumiki.example/x?utm_source=lowtouch');
    expect(out).toContain('[https://app.tsumiki.example/u?token=t]');
  });

  it('decodes the entities escaped output produces', () => {
    expect(decodeAttribute('a&amp;b&#39;c&quot;d&lt;&gt;&#x41;&#66;')).toBe('a&b\'c"d<>AB');
  });
});
