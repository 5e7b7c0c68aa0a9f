import { describe, expect, it } from 'vitest';
import { catalogFromBundle } from '../../../functions/core/templates/catalog.ts';
import { compileTemplateSource } from '../../../functions/core/templates/compile.ts';
import { renderEmail } from '../../../functions/core/templates/render.ts';
import {
  type RenderContext,
  RenderError,
  TemplateCompileError,
} from '../../../functions/core/templates/types.ts';
import { context, NOW, SOURCES, templateFile, textBody, UTM } from './helpers.ts';

// Liquid semantics that a second, hand-written engine once got wrong. Each case goes through the project's
// own path (compile → catalog parts → renderEmail) and asserts what liquidjs renders.

async function renderText(liquid: string, ctx: RenderContext = context()): Promise<string> {
  const template = await compileTemplateSource(
    'conformance/case',
    'en',
    templateFile(['subject: "Conformance"'], textBody('body')),
    SOURCES,
    { text: liquid },
  );
  return renderEmail(template, ctx, { utm: UTM, now: NOW }).text;
}

const withPlan = (plan: string): RenderContext => {
  const ctx = context();
  return { ...ctx, account: { ...ctx.account, plan } };
};

describe('Liquid conformance through renderEmail', () => {
  it('applies the filter of a case expression', { timeout: 60_000 }, async () => {
    const source = '{% case account.plan | downcase %}{% when "pro" %}pro{% else %}other{% endcase %}';
    expect(await renderText(source, withPlan('PRO'))).toBe('pro');
    expect(await renderText(source, withPlan('Biz'))).toBe('other');
  });

  it('renders every matching when, including one with several values', { timeout: 60_000 }, async () => {
    const source = '{% case account.plan %}{% when "pro" %}A{% when "pro", "biz" %}B{% endcase %}';
    expect(await renderText(source, withPlan('pro'))).toBe('AB');
    expect(await renderText(source, withPlan('biz'))).toBe('B');
    expect(await renderText(source, withPlan('free'))).toBe('');
  });

  it('compares a missing optional value the way liquidjs does', { timeout: 60_000 }, async () => {
    const noTrial = context();
    expect(noTrial.account.trialEndsAt).toBeUndefined();
    const cases: [string, string][] = [
      ['{% if account.trialEndsAt contains "2027" %}Y{% else %}N{% endif %}', 'N'],
      ['{% if account.trialEndsAt < "2027" %}Y{% else %}N{% endif %}', 'Y'],
      ['{% if account.trialEndsAt >= "2027" %}Y{% else %}N{% endif %}', 'N'],
      ['{% if account.trialEndsAt == nil %}Y{% else %}N{% endif %}', 'Y'],
      ['{% if account.trialEndsAt == "2027" %}Y{% else %}N{% endif %}', 'N'],
      ['{% if account.trialEndsAt != "2027" %}Y{% else %}N{% endif %}', 'Y'],
    ];
    const rendered: string[] = [];
    for (const [source] of cases) rendered.push(await renderText(source, noTrial));
    expect(rendered).toEqual(cases.map(([, expected]) => expected));
  });

  it('reads backslash escapes in string literals', { timeout: 60_000 }, async () => {
    expect(await renderText('{{ "say \\"hi\\"" }}|{{ \'it\\\'s\' }}')).toBe('say "hi"|it\'s');
  });

  it('rejects append with no argument at compile time, and fails the send if one gets through', {
    timeout: 60_000,
  }, async () => {
    const compileError = await renderText('{{ contact.name | append }}').catch((e: unknown) => e);
    expect(compileError).toBeInstanceOf(TemplateCompileError);
    expect(compileError instanceof TemplateCompileError ? compileError.problems[0]?.message : '').toBe(
      'Liquid: filter append needs 1 argument, got 0; write | append: "…"',
    );
    // A bundle built elsewhere is not re-validated: the sender's render still refuses to guess.
    const good = await compileTemplateSource(
      'conformance/case',
      'en',
      templateFile(['subject: "Conformance"'], textBody('body')),
      SOURCES,
      { text: 'x' },
    );
    const { parsed: _parsed, ...data } = good;
    const bundled = catalogFromBundle({
      format: 'lowtouch-templates/1',
      templates: [{ ...data, text: '{{ contact.name | append }}' }],
    }).get('conformance/case', 'en');
    expect(bundled).toBeDefined();
    if (!bundled) return;
    const error = (() => {
      try {
        return renderEmail(bundled, context(), { utm: UTM, now: NOW });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RenderError);
    expect(error instanceof RenderError ? error.message : '').toMatch(
      /template conformance\/case \(en, text\) failed for contact c-1 at contact\.name: append expect 2 arguments/,
    );
  });
});
