import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRuntimeProgram } from '../../../functions/adapters/runtime-program.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lowtouch-runtime-program-'));
  await cp(join(REPO, 'campaigns'), join(dir, 'campaigns'), { recursive: true });
  await cp(join(REPO, 'templates'), join(dir, 'templates'), { recursive: true });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadRuntimeProgram', () => {
  it('compiles templates/ with MJML when no precompiled templates.json is present (a run from source)', async () => {
    const { program, catalog } = await loadRuntimeProgram(dir);
    expect(program.campaigns.map((c) => c.id)).toContain('onboarding');
    expect(catalog.ids()).toContain('onboarding/welcome');
    expect(catalog.get('onboarding/welcome', 'ja')?.html).toContain('<!doctype html>');
  });

  it('loads templates.json instead of compiling when the bundle ships it', async () => {
    const compiled = (await loadRuntimeProgram(dir)).catalog.toBundle();
    const marked = {
      ...compiled,
      templates: compiled.templates.map((t) =>
        t.id === 'onboarding/welcome' && t.locale === 'en' ? { ...t, subject: 'from the bundle' } : t,
      ),
    };
    await writeFile(join(dir, 'templates.json'), JSON.stringify(marked));
    const { catalog } = await loadRuntimeProgram(dir);
    expect(catalog.get('onboarding/welcome', 'en')?.subject).toBe('from the bundle');
    expect(catalog.all()).toHaveLength(compiled.templates.length);
  });

  it('names the file and line when the bundled campaigns do not load', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'lowtouch-runtime-broken-'));
    await cp(join(dir, 'campaigns'), join(broken, 'campaigns'), { recursive: true });
    await writeFile(join(broken, 'campaigns', 'policy.yaml'), 'fallbackTimeZone: [\n');
    await expect(loadRuntimeProgram(broken)).rejects.toThrow(
      /does not load:\n[\s\S]*policy\.yaml:2:1 {2}YAML syntax/,
    );
    await rm(broken, { recursive: true, force: true });
  });
});
