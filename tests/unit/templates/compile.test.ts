import { describe, expect, it } from 'vitest';
import { compileTemplateSource } from '../../../functions/core/templates/compile.ts';
import { TemplateCompileError, type TemplateProblem } from '../../../functions/core/templates/types.ts';
import { SOURCES, templateFile, textBody } from './helpers.ts';

async function problemsOf(source: string, sources = SOURCES, text?: string): Promise<TemplateProblem[]> {
  try {
    await compileTemplateSource('renewal/notice', 'en', source, sources, {
      file: 'renewal/notice.en.mjml',
      ...(text !== undefined ? { text } : {}),
    });
  } catch (error) {
    if (error instanceof TemplateCompileError) return error.problems;
    throw error;
  }
  return [];
}

describe('compileTemplateSource', () => {
  it('compiles MJML to responsive HTML with the Liquid left intact, and derives the text part', async () => {
    const tpl = await compileTemplateSource(
      'renewal/notice',
      'en',
      templateFile(
        ['subject: "Renews on {{ account.renewalAt | local_date }}"', 'preheader: Plan {{ account.plan }}'],
        textBody('<h1>Hello {{ contact.name }}</h1><p>Your plan: {{ account.plan }}</p>'),
      ),
      SOURCES,
    );
    expect(tpl.html).toContain('<!doctype html>');
    expect(tpl.html).toContain('@media only screen');
    expect(tpl.html).toContain('Hello {{ contact.name }}');
    expect(tpl.html).toContain('<title>{{ email.subject }}</title>');
    expect(tpl.text).toContain('Hello {{ contact.name }}');
    expect(tpl.text).not.toContain('email.preheader');
    expect(tpl.subject).toBe('Renews on {{ account.renewalAt | local_date }}');
    expect(tpl.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tpl.textOverride).toBe(false);
  });

  it('reports an MJML error at the template file and line it came from', async () => {
    const problems = await problemsOf(
      templateFile(
        ['subject: Hi'],
        ['<mj-section>', '  <mj-colum>', '    <mj-text>x</mj-text>', '  </mj-colum>', '</mj-section>'],
      ),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({
        file: 'renewal/notice.en.mjml',
        line: 5,
        message: expect.stringMatching(/mj-colum/),
      }),
    );
  });

  it('reports an MJML error inside a partial at the partial file and line', async () => {
    const sources = {
      ...SOURCES,
      partials: { ...SOURCES.partials, footer: `${SOURCES.partials.footer}\n<mj-bogus/>` },
    };
    const problems = await problemsOf(templateFile(['subject: Hi'], textBody('x')), sources);
    expect(problems).toContainEqual(expect.objectContaining({ file: 'partials/footer.mjml', line: 6 }));
  });

  it('reports a Liquid syntax error at its line', async () => {
    const problems = await problemsOf(
      templateFile(['subject: Hi'], ['', ...textBody('{% if contact.name %}open')]),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      file: 'renewal/notice.en.mjml',
      message: expect.stringMatching(/Liquid/),
    });
  });

  it('rejects misspelled variables at compile time, in the body and the subject', async () => {
    const problems = await problemsOf(
      templateFile(
        ['subject: "Hi {{ contcat.name }}"'],
        textBody('{{ contact.nmae }} {{ usage.features.reports.count }}'),
      ),
    );
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/front matter subject: unknown variable contcat \(did you mean contact\?\)/),
      expect.stringMatching(/unknown variable contact\.nmae \(did you mean contact\.name\?\)/),
    ]);
    expect(problems[0]?.line).toBe(2);
    expect(problems[1]?.line).toBe(6);
  });

  it('requires a visible ses:no-track unsubscribe link in customer emails', async () => {
    const sources = {
      ...SOURCES,
      partials: { footer: '<mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section>' },
    };
    const problems = await problemsOf(templateFile(['subject: Hi'], textBody('x')), sources);
    expect(problems[0]?.message).toMatch(/unsubscribe link/);
  });

  it('names unknown partials and layouts, and bad front matter, with the fix', async () => {
    const unknownPartial = await problemsOf(templateFile(['subject: Hi'], ['<lt-partial name="nope"/>']));
    expect(unknownPartial[0]).toMatchObject({
      line: 4,
      message: expect.stringMatching(/partials\/nope\.mjml/),
    });
    const unknownLayout = await problemsOf(templateFile(['subject: Hi', 'layout: fancy'], textBody('x')));
    expect(unknownLayout[0]).toMatchObject({
      line: 3,
      message: expect.stringMatching(/layouts\/fancy\.mjml/),
    });
    const noFront = await problemsOf(textBody('x').join('\n'));
    expect(noFront[0]?.message).toMatch(/missing front matter/);
    const badKey = await problemsOf(templateFile(['subject: Hi', 'sender: x'], textBody('x')));
    expect(badKey[0]).toMatchObject({
      line: 3,
      message: expect.stringMatching(/unknown key "sender"; the keys are subject/),
    });
    const noSubject = await problemsOf(templateFile(['preheader: x'], textBody('x')));
    expect(noSubject[0]?.message).toMatch(/subject/);
  });

  it('uses a .txt override as the text part and checks its variables too', async () => {
    const source = templateFile(['subject: Hi'], textBody('x'));
    const tpl = await compileTemplateSource('renewal/notice', 'en', source, SOURCES, {
      text: 'Plain {{ account.plan }}',
    });
    expect(tpl.text).toBe('Plain {{ account.plan }}');
    expect(tpl.textOverride).toBe(true);
    const problems = await problemsOf(source, SOURCES, 'line one\n{{ account.plna }}');
    expect(problems[0]).toMatchObject({ file: 'renewal/notice.en.txt', line: 2 });
  });

  it('compiles a whole <mjml> document with layout: none', async () => {
    const tpl = await compileTemplateSource(
      'csm/digest',
      'en',
      templateFile(
        ['subject: "{{ ctas.size }} CTAs"', 'layout: none', 'kind: csm-digest'],
        [
          '<mjml><mj-body>',
          ...textBody('{% for cta in ctas %}{{ cta.accountName }}{% endfor %}'),
          '</mj-body></mjml>',
        ],
      ),
      SOURCES,
    );
    expect(tpl.kind).toBe('csm-digest');
    expect(tpl.html).toContain('{% for cta in ctas %}');
  });

  it('uses a cache entry with the same content hash instead of compiling again', async () => {
    const stored = new Map<
      string,
      import('../../../functions/core/templates/types.ts').CompiledTemplateData
    >();
    const cache = {
      get: async (hash: string) => stored.get(hash),
      set: async (
        hash: string,
        data: import('../../../functions/core/templates/types.ts').CompiledTemplateData,
      ) => {
        stored.set(hash, data);
      },
    };
    const source = templateFile(['subject: Hi'], textBody('first'));
    const first = await compileTemplateSource('a/b', 'en', source, SOURCES, { cache });
    expect(stored.size).toBe(1);
    stored.set(first.hash, { ...first, html: `${first.html}<!-- from cache -->` });
    const second = await compileTemplateSource('a/b', 'en', source, SOURCES, { cache });
    expect(second.html).toContain('<!-- from cache -->');
    const changed = await compileTemplateSource('a/b', 'en', source.replace('first', 'second'), SOURCES, {
      cache,
    });
    expect(changed.hash).not.toBe(first.hash);
    expect(stored.size).toBe(2);
  });
});
