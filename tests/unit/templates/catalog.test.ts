import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadTemplateBundle,
  loadTemplateCatalog,
  scanTemplateCatalog,
  writeTemplateBundle,
} from '../../../functions/adapters/template-files.ts';
import { catalogFromBundle } from '../../../functions/core/templates/catalog.ts';
import { renderEmail } from '../../../functions/core/templates/render.ts';
import { TemplateCompileError } from '../../../functions/core/templates/types.ts';
import { context, NOW, SOURCES, templateFile, textBody, UTM } from './helpers.ts';

let dir: string;

async function put(path: string, text: string): Promise<void> {
  await mkdir(join(dir, path, '..'), { recursive: true });
  await writeFile(join(dir, path), text);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lowtouch-templates-'));
  await put('layouts/default.mjml', SOURCES.layouts.default ?? '');
  for (const [name, text] of Object.entries(SOURCES.partials)) await put(`partials/${name}.mjml`, text);
  await put(
    'renewal/30-days.en.mjml',
    templateFile(['subject: Renews {{ account.renewalAt | local_date }}'], textBody('Hi')),
  );
  await put(
    'renewal/30-days.ja.mjml',
    templateFile(['subject: 更新 {{ account.renewalAt | local_date }}'], textBody('こんにちは')),
  );
  await put('renewal/30-days.ja.txt', 'テキスト版 {{ contact.name }}');
  await put('onboarding/welcome.en.mjml', templateFile(['subject: Welcome'], textBody('Welcome')));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('template catalog', () => {
  it('lists ids and locales, and resolves with the locale fallback', async () => {
    const catalog = await loadTemplateCatalog(dir);
    expect([...catalog.ids()].sort()).toEqual(['onboarding/welcome', 'renewal/30-days']);
    expect(catalog.locales('renewal/30-days')).toEqual(['en', 'ja']);
    expect(catalog.get('renewal/30-days', 'fr')).toBeUndefined();
    expect(catalog.resolve('renewal/30-days', 'ja-JP').locale).toBe('ja');
    expect(catalog.resolve('onboarding/welcome', 'ja', 'ja').locale).toBe('en');
    expect(() => catalog.resolve('renewal/15-days', 'ja')).toThrow(
      /add templates\/renewal\/15-days\.<locale>\.mjml/,
    );
  });

  it('uses a .txt file next to the template as the text part', async () => {
    const catalog = await loadTemplateCatalog(dir);
    const email = renderEmail(catalog.resolve('renewal/30-days', 'ja'), context(), { utm: UTM, now: NOW });
    expect(email.text).toBe('テキスト版 田中 花子');
    expect(email.subject).toBe('更新 2027年2月20日');
  });

  it('round-trips through a JSON bundle that renders without MJML', async () => {
    const catalog = await loadTemplateCatalog(dir);
    const file = join(dir, '..', `${Date.now()}-bundle`, 'templates.json');
    await writeTemplateBundle(catalog, file);
    const loaded = await loadTemplateBundle(file);
    expect([...loaded.ids()].sort()).toEqual([...catalog.ids()].sort());
    const a = renderEmail(catalog.resolve('renewal/30-days', 'en'), context(), { utm: UTM, now: NOW });
    const b = renderEmail(loaded.resolve('renewal/30-days', 'en'), context(), { utm: UTM, now: NOW });
    expect(b).toEqual(a);
    expect(() => catalogFromBundle({ format: 'other', templates: [] })).toThrow();
    await rm(join(file, '..'), { recursive: true, force: true });
  });

  it('persists compiled templates in a cache dir keyed by content hash and reuses them', async () => {
    const cacheDir = join(dir, '..', `${Date.now()}-cache`);
    const first = await loadTemplateCatalog(dir, { cacheDir });
    const files = (await readdir(cacheDir)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(3);
    const hash = first.resolve('onboarding/welcome', 'en').hash;
    expect(files).toContain(`${hash}.json`);
    const entry = JSON.parse(await readFile(join(cacheDir, `${hash}.json`), 'utf8'));
    expect(entry.html).toContain('Welcome');
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('collects every problem as file:line across files, and still compiles the good ones', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'lowtouch-bad-'));
    await mkdir(join(bad, 'layouts'));
    await mkdir(join(bad, 'partials'));
    await mkdir(join(bad, 'renewal'));
    await writeFile(join(bad, 'layouts', 'default.mjml'), SOURCES.layouts.default ?? '');
    await writeFile(join(bad, 'partials', 'footer.mjml'), SOURCES.partials.footer ?? '');
    await writeFile(join(bad, 'renewal', 'ok.en.mjml'), templateFile(['subject: ok'], textBody('ok')));
    await writeFile(
      join(bad, 'renewal', 'typo.en.mjml'),
      templateFile(['subject: x'], textBody('{{ acount.plan }}')),
    );
    await writeFile(join(bad, 'renewal', 'nolocale.mjml'), templateFile(['subject: x'], textBody('x')));
    const { catalog, problems } = await scanTemplateCatalog(bad);
    expect([...catalog.ids()]).toEqual(['renewal/ok']);
    const lines = problems.map((p) => `${p.file.split('/').slice(-2).join('/')}:${p.line}`);
    expect(lines.sort()).toEqual(['renewal/nolocale.mjml:1', 'renewal/typo.en.mjml:6']);
    await expect(loadTemplateCatalog(bad)).rejects.toBeInstanceOf(TemplateCompileError);
    await rm(bad, { recursive: true, force: true });
  });
});
