import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, type LowtouchApp } from '../../infra/build-app.ts';
import type { ProgramValidator, TemplatePrecompiler } from '../../infra/program.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The context cdk.json gives the CLI, so in-process synths see the same feature flags. */
export function cdkJsonContext(): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('context' in parsed)) return {};
  const context = parsed.context;
  return typeof context === 'object' && context !== null ? { ...context } : {};
}

export interface SynthOptions {
  context?: Record<string, unknown>;
  validateProgram?: ProgramValidator;
  precompileTemplates?: TemplatePrecompiler;
  /** run esbuild for every function (slow); off by default, the CLI synth test covers bundling */
  bundle?: boolean;
}

/** Builds the app in-process from the repository, with cdk.json's context plus overrides. */
export async function buildTestApp(options: SynthOptions = {}): Promise<LowtouchApp> {
  return buildApp({
    projectRoot: REPO_ROOT,
    cwd: REPO_ROOT,
    appProps: {
      // CloudFormation's own template checks take ~12 s; the CLI synth test runs them.
      builtinCloudFormationValidation: false,
      outdir: mkdtempSync(join(tmpdir(), 'lowtouch-cdk-')),
      context: {
        ...cdkJsonContext(),
        ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
        ...options.context,
      },
    },
    validateProgram: options.validateProgram ?? (async () => undefined),
    ...(options.precompileTemplates ? { precompileTemplates: options.precompileTemplates } : {}),
  });
}

/** Copies campaigns/ and templates/ to a temp dir and misspells one key; returns the dir and the bad line. */
export function brokenProgramCopy(): { dir: string; line: number } {
  const dir = mkdtempSync(join(tmpdir(), 'lowtouch-broken-'));
  cpSync(join(REPO_ROOT, 'campaigns'), join(dir, 'campaigns'), { recursive: true });
  cpSync(join(REPO_ROOT, 'templates'), join(dir, 'templates'), { recursive: true });
  const file = join(dir, 'campaigns', 'onboarding.yaml');
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((text) => /^\s*template: /.test(text));
  if (index < 0) throw new Error('onboarding.yaml has no "template:" line to break');
  lines[index] = (lines[index] ?? '').replace('template:', 'templte:');
  writeFileSync(file, lines.join('\n'));
  return { dir, line: index + 1 };
}
