import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTemplateSources } from '../../../functions/adapters/template-files.ts';
import { compileTemplateSource } from '../../../functions/core/templates/compile.ts';
import { renderEmail } from '../../../functions/core/templates/render.ts';
import type { TemplateSourceSet } from '../../../functions/core/templates/source.ts';
import { TemplateCompileError } from '../../../functions/core/templates/types.ts';
import { REPO } from '../../support/template-corpus.ts';
import { context, NOW, UTM } from './helpers.ts';

// If validate accepts a template, the Liquid in it must take effect: an `if` placed anywhere either makes
// validate fail, or the email differs between a contact for whom it holds and one for whom it does not.

const PROBE = 'lt-probe';
let sources: TemplateSourceSet;
let shipped: string;
let boundaries: number[];

beforeAll(async () => {
  sources = (await readTemplateSources(join(REPO, 'templates'))).sources;
  shipped = await readFile(join(REPO, 'templates', 'onboarding', 'welcome.en.mjml'), 'utf8');
  const bodyStart = shipped.indexOf('\n---\n') + 5;
  // Every place an element or HTML tag starts or ends in the body, and the body's end.
  boundaries = [...shipped.matchAll(/<[^>]*>/g)]
    .flatMap((match) => [match.index, match.index + match[0].length])
    .filter((offset) => offset >= bodyStart);
  boundaries.push(shipped.length);
});

describe('a Liquid if inserted at any MJML position', () => {
  it('is rejected by validate, or changes the email between its two truth values', {
    timeout: 180_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), async (a, b) => {
        const start = Math.min(a % boundaries.length, b % boundaries.length);
        const end = Math.max(a % boundaries.length, b % boundaries.length);
        const from = boundaries[start] ?? 0;
        const to = boundaries[end] ?? 0;
        const region = shipped.slice(from, to);
        // The if wraps something a reader sees, and does not pair up with a tag of the template's own.
        const visible = region.replace(/<[^>]*>|\{%[\s\S]*?%\}/g, '');
        const opens = (region.match(/\{%-?\s*if\b/g) ?? []).length;
        const closes = (region.match(/\{%-?\s*endif\b/g) ?? []).length;
        fc.pre(from < to && /\p{L}{2,}/u.test(visible) && opens === closes);
        const source = `${shipped.slice(0, from)}{% if segment == "${PROBE}" %}${shipped.slice(from, to)}{% endif %}${shipped.slice(to)}`;
        let template: Awaited<ReturnType<typeof compileTemplateSource>>;
        try {
          template = await compileTemplateSource('onboarding/welcome', 'en', source, sources, {
            file: 'onboarding/welcome.en.mjml',
          });
        } catch (error) {
          expect(error).toBeInstanceOf(TemplateCompileError);
          return;
        }
        // The template's own guards all hold (a trial end date), so every region of it is rendered.
        const base = context('c-1');
        const trial = { ...base.account, trialEndsAt: '2027-01-30T00:00:00Z' };
        const holds = renderEmail(
          template,
          { ...base, account: trial, segment: PROBE },
          { utm: UTM, now: NOW },
        );
        const fails = renderEmail(template, { ...base, account: trial }, { utm: UTM, now: NOW });
        expect(holds.html).not.toBe(fails.html);
      }),
      { numRuns: 40, seed: 20261201 },
    );
  });
});
