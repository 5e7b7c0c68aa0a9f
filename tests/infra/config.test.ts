import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/adapters/config-error.ts';
import { loadConfig } from '../../infra/config.ts';
import { senderMaxConcurrency, visibilityTimeoutSeconds } from '../../infra/sizing.ts';

const valid = {
  region: 'eu-west-1',
  fromAddress: 'success@mail.example.com',
  fromName: 'Example CS',
  identity: 'mail.example.com',
  maxSendRate: 14,
  timeZone: 'Europe/Berlin',
};

function dirWith(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'lowtouch-config-'));
  writeFileSync(join(dir, 'lowtouch.config.json'), JSON.stringify(config));
  return dir;
}

const noContext = (): unknown => undefined;
const context =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads lowtouch.config.json and fills the defaults', () => {
    const config = loadConfig(noContext, dirWith(valid));
    expect(config).toMatchObject({ ...valid, createIdentity: false, planShards: 8, logRetentionDays: 30 });
    expect(config.breakerBounceRate).toBeLessThan(0.05);
    expect(config.breakerComplaintRate).toBeLessThan(0.001);
  });

  it('lets -c lowtouch:<key> override the file, coercing command-line strings', () => {
    const config = loadConfig(
      context({
        'lowtouch:maxSendRate': '50',
        'lowtouch:createIdentity': 'true',
        'lowtouch:region': 'us-east-1',
      }),
      dirWith(valid),
    );
    expect(config.maxSendRate).toBe(50);
    expect(config.createIdentity).toBe(true);
    expect(config.region).toBe('us-east-1');
  });

  it('names a missing key, what it expects and where to set it', () => {
    const { fromAddress: _, ...rest } = valid;
    const error = errorOf(() => loadConfig(noContext, dirWith(rest)));
    expect(error.message).toContain('fromAddress');
    expect(error.message).toContain('is missing');
    expect(error.message).toContain('-c lowtouch:fromAddress=<value>');
  });

  it('names an invalid value with the value and the fix', () => {
    const error = errorOf(() => loadConfig(context({ 'lowtouch:maxSendRate': 'fast' }), dirWith(valid)));
    expect(error.message).toMatch(/maxSendRate \(from -c lowtouch:maxSendRate\).*got "fast"/);
  });

  it('rejects a time zone that is not IANA and a log retention CloudWatch does not offer', () => {
    const error = errorOf(() =>
      loadConfig(noContext, dirWith({ ...valid, timeZone: 'Mars/Olympus', logRetentionDays: 10 })),
    );
    expect(error.message).toContain('timeZone');
    expect(error.message).toContain('logRetentionDays');
  });

  it('rejects a sender outside the SES identity', () => {
    const error = errorOf(() =>
      loadConfig(noContext, dirWith({ ...valid, fromAddress: 'cs@other.example.org' })),
    );
    expect(error.message).toContain('must belong to the SES identity "mail.example.com"');
  });

  it('rejects breaker thresholds at or above the SES review levels', () => {
    const error = errorOf(() =>
      loadConfig(noContext, dirWith({ ...valid, breakerBounceRate: 0.05, breakerComplaintRate: 0.002 })),
    );
    expect(error.message).toContain('breakerBounceRate');
    expect(error.message).toContain('breakerComplaintRate');
  });

  it('rejects unknown keys, listing the known ones', () => {
    const error = errorOf(() => loadConfig(noContext, dirWith({ ...valid, maxSendRat: 3 })));
    expect(error.message).toContain('remove "maxSendRat"');
    expect(error.message).toContain('maxSendRate');
  });

  it('says so when the configured file does not exist', () => {
    const error = errorOf(() => loadConfig(context({ 'lowtouch:configFile': 'nope.json' }), dirWith(valid)));
    expect(error.message).toContain('nope.json');
    expect(error.message).toContain('does not exist');
  });

  it('accepts the example config shipped in infra/', () => {
    const config = loadConfig(context({ 'lowtouch:configFile': 'infra/lowtouch.config.example.json' }));
    expect(config.createIdentity).toBe(true);
  });
});

describe('sizing', () => {
  it('derives the sender concurrency from the SES max send rate, within the SQS limits', () => {
    expect(senderMaxConcurrency(1)).toBe(2);
    expect(senderMaxConcurrency(14)).toBe(2);
    expect(senderMaxConcurrency(200)).toBe(20);
    expect(senderMaxConcurrency(205)).toBe(21);
    expect(senderMaxConcurrency(1_000_000)).toBe(1000);
    expect(() => senderMaxConcurrency(0)).toThrow(/positive/);
  });

  it('keeps queue visibility at six times the consumer timeout', () => {
    expect(visibilityTimeoutSeconds(60)).toBe(360);
  });
});
