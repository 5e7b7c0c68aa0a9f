import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../infra/functions.ts';
import { brokenProgramCopy, REPO_ROOT } from './synth-helpers.ts';

/** The environment of a machine with no AWS credentials and no Docker. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('AWS_') || key.startsWith('CDK_')) continue;
    env[key] = value;
  }
  return {
    ...env,
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'lowtouch-no-credentials'),
    AWS_CONFIG_FILE: join(tmpdir(), 'lowtouch-no-config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    // Any attempt to bundle in a container fails loudly instead of being silently skipped.
    CDK_DOCKER: 'false',
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

function cdkSynth(outdir: string, extra: string[] = []) {
  return spawnSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'cdk'),
    ['synth', '--quiet', '--no-notices', '--output', outdir, ...extra],
    { cwd: REPO_ROOT, env: offlineEnv(), encoding: 'utf8', timeout: 170_000 },
  );
}

describe('npx cdk synth', () => {
  it('synthesizes both stacks without credentials or Docker, shipping the campaigns in every bundle', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'lowtouch-synth-'));
    const result = cdkSynth(outdir);
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const stack of ['Lowtouch-Stateful', 'Lowtouch-Stateless']) {
      expect(existsSync(join(outdir, `${stack}.template.json`))).toBe(true);
    }
    const template: { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> } =
      JSON.parse(readFileSync(join(outdir, 'Lowtouch-Stateless.template.json'), 'utf8'));
    const assets = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => r.Metadata?.['aws:asset:path'] ?? '');
    expect(assets).toHaveLength(FUNCTIONS.length);
    const campaigns = readdirSync(join(REPO_ROOT, 'campaigns')).sort();
    for (const asset of assets) {
      const dir = join(outdir, asset);
      expect(existsSync(join(dir, 'index.mjs')), asset).toBe(true);
      expect(existsSync(join(dir, 'index.mjs.map')), asset).toBe(true);
      expect(readdirSync(join(dir, 'program', 'campaigns')).sort()).toEqual(campaigns);
      expect(existsSync(join(dir, 'program', 'templates'))).toBe(true);
      // Precompiled at synth, so no MJML runs at cold start.
      expect(existsSync(join(dir, 'program', 'templates.json'))).toBe(true);
      // ...and the MJML compiler stays out of the bundle: about 1.1 MB per function instead of 8 MB.
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code).not.toContain('mj-accordion');
      expect(statSync(join(dir, 'index.mjs')).size, asset).toBeLessThan(2_500_000);
    }
  });

  it('fails with file:line when a campaign is broken', () => {
    const { dir, line } = brokenProgramCopy();
    const result = cdkSynth(mkdtempSync(join(tmpdir(), 'lowtouch-synth-broken-')), [
      '-c',
      `lowtouch:programDir=${dir}`,
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(new RegExp(`campaigns/onboarding\\.yaml:${line}:\\d+ .*templte`));
  });
});
