import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../functions/adapters/config-error.ts';

/**
 * Deployment settings. They come from a JSON file (context key `lowtouch:configFile`, default
 * `lowtouch.config.json`) and can be overridden one by one with `-c lowtouch:<key>=<value>`.
 */

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

// Context values given on the command line arrive as strings; turn "12" and "true" into their types.
const num = (schema: z.ZodNumber) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v),
    schema,
  );
const bool = () => z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());

export const LowtouchConfig = z
  .strictObject({
    region: z.string().regex(REGION, 'an AWS region such as "eu-west-1"'),
    account: z
      .string()
      .regex(/^\d{12}$/, 'a 12-digit AWS account id')
      .optional(),
    fromAddress: z.email('an email address such as "hello@mail.example.com"'),
    fromName: z.string().trim().min(1, 'a display name such as "Acme Customer Success"').max(80),
    identity: z
      .string()
      .trim()
      .toLowerCase()
      .refine((v) => HOSTNAME.test(v) || z.email().safeParse(v).success, {
        message: 'an SES identity: a domain such as "mail.example.com" or an email address',
      }),
    createIdentity: bool().default(false),
    mailFromDomain: z
      .string()
      .toLowerCase()
      .regex(HOSTNAME, 'a domain such as "bounce.mail.example.com"')
      .optional(),
    // An empty value (-c lowtouch:trackingDomain=) turns off a domain set in the file, for the first deploy.
    trackingDomain: z
      .preprocess(
        (v) => (v === '' ? undefined : v),
        z.string().toLowerCase().regex(HOSTNAME, 'a domain such as "links.example.com"').optional(),
      )
      .optional(),
    maxSendRate: num(z.number().positive('a positive number of emails per second').max(10_000)),
    timeZone: z
      .string()
      .refine(isTimeZone, { message: 'an IANA time zone such as "Europe/Berlin" or "UTC"' }),
    nightlyHour: num(z.number().int().min(0).max(23)).default(2),
    exportHour: num(z.number().int().min(0).max(23)).default(4),
    breakerBounceRate: num(
      z.number().gt(0).lt(0.05, 'below 0.05, the bounce rate at which SES reviews an account'),
    ).default(0.025),
    breakerComplaintRate: num(
      z.number().gt(0).lt(0.001, 'below 0.001, the complaint rate at which SES reviews an account'),
    ).default(0.0005),
    unsubscribeBaseUrl: z
      .url({ protocol: /^https$/, message: 'an https URL such as "https://unsubscribe.example.com/"' })
      .optional(),
    planShards: num(z.number().int().min(1).max(1000)).default(8),
    logRetentionDays: num(z.number().int())
      .refine((d) => LOG_RETENTION_DAYS.some((allowed) => allowed === d), {
        message: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(30),
    exportRetentionDays: num(z.number().int().min(1).max(3650)).default(400),
    programDir: z.string().min(1).default('.'),
    stackPrefix: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,40}$/, 'letters, digits and dashes, starting with a letter')
      .default('Lowtouch'),
  })
  .superRefine((c, ctx) => {
    const fromDomain = c.fromAddress.split('@')[1]?.toLowerCase() ?? '';
    const covered = c.identity.includes('@')
      ? c.identity === c.fromAddress.toLowerCase()
      : fromDomain === c.identity || fromDomain.endsWith(`.${c.identity}`);
    if (!covered) {
      ctx.addIssue({
        code: 'custom',
        path: ['fromAddress'],
        message: `must belong to the SES identity "${c.identity}" (same domain or a subdomain of it)`,
      });
    }
    if (c.mailFromDomain && !c.identity.includes('@') && !c.mailFromDomain.endsWith(`.${c.identity}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['mailFromDomain'],
        message: `must be a subdomain of the identity "${c.identity}", e.g. "bounce.${c.identity}"`,
      });
    }
    if (c.mailFromDomain && !c.createIdentity) {
      ctx.addIssue({
        code: 'custom',
        path: ['mailFromDomain'],
        message:
          'is only applied when createIdentity is true; set the MAIL FROM domain on your existing identity',
      });
    }
  });
export type LowtouchConfig = z.infer<typeof LowtouchConfig>;

export const CONFIG_KEYS: readonly string[] = Object.keys(LowtouchConfig.shape);

/** What each key expects, for the message shown when a required key is missing. */
const EXPECTED: Record<string, string> = {
  region: 'the AWS region to deploy to, e.g. "eu-west-1"',
  fromAddress: 'the sender address, e.g. "success@mail.example.com"',
  fromName: 'the sender display name, e.g. "Acme Customer Success"',
  identity: 'the verified SES identity (domain or address) that covers fromAddress, e.g. "mail.example.com"',
  maxSendRate: "the account's SES MaxSendRate in emails per second (aws sesv2 get-account), e.g. 14",
  timeZone: 'the IANA time zone of the schedules, e.g. "Europe/Berlin"',
  account: "a 12-digit AWS account id, or leave it out to use the CLI credentials' account",
  createIdentity: 'true to create the SES identity with Easy DKIM, false if it is already verified',
  mailFromDomain: 'a custom MAIL FROM subdomain of the identity, e.g. "bounce.mail.example.com"',
  trackingDomain: 'a custom open/click tracking domain, e.g. "links.example.com"',
  nightlyHour: 'the local hour (0-23) of the nightly health run',
  exportHour: 'the local hour (0-23) of the daily KPI export',
  breakerBounceRate: 'a bounce rate below 0.05 at which sending pauses, e.g. 0.025',
  breakerComplaintRate: 'a complaint rate below 0.001 at which sending pauses, e.g. 0.0005',
  unsubscribeBaseUrl:
    'an https URL that fronts the unsubscribe function, or leave it out to use its Function URL',
  planShards: 'the number of parallel scan segments per tick (1-1000), e.g. 8',
  logRetentionDays: `days to keep function logs, one of ${LOG_RETENTION_DAYS.join(', ')}`,
  exportRetentionDays: 'days to keep KPI exports in S3 (1-3650)',
  programDir: 'the directory holding campaigns/ and templates/, e.g. "."',
  stackPrefix: 'a stack name prefix of letters, digits and dashes, e.g. "Lowtouch"',
};

/** Reads context values the way the CDK app sees them (`node.tryGetContext`). */
export type ContextReader = (key: string) => unknown;

export const CONTEXT_PREFIX = 'lowtouch:';
export const CONFIG_FILE_CONTEXT = `${CONTEXT_PREFIX}configFile`;
const DEFAULT_CONFIG_FILE = 'lowtouch.config.json';

/** Loads, merges and validates the configuration; throws ConfigError listing every bad key. */
export function loadConfig(context: ContextReader, cwd: string = process.cwd()): LowtouchConfig {
  const fileSetting = context(CONFIG_FILE_CONTEXT);
  const fileName = typeof fileSetting === 'string' && fileSetting !== '' ? fileSetting : DEFAULT_CONFIG_FILE;
  const filePath = resolve(cwd, fileName);
  let fromFile: Record<string, unknown> = {};
  if (existsSync(filePath)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(filePath, 'utf8'));
    } catch (cause) {
      throw new ConfigError(
        `lowtouch config: ${fileName} is not valid JSON (${cause instanceof Error ? cause.message : String(cause)}). Fix the file or point -c ${CONFIG_FILE_CONTEXT}=<file> at another one.`,
        { cause },
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`lowtouch config: ${fileName} must hold one JSON object of settings.`);
    }
    fromFile = Object.fromEntries(Object.entries(parsed).filter(([key]) => key !== '$comment'));
  } else if (typeof fileSetting === 'string' && fileSetting !== '') {
    throw new ConfigError(
      `lowtouch config: the file ${fileName} (from -c ${CONFIG_FILE_CONTEXT}) does not exist. Copy infra/lowtouch.config.example.json there and edit it.`,
    );
  }
  const fromContext: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = context(`${CONTEXT_PREFIX}${key}`);
    if (value !== undefined) fromContext[key] = value;
  }
  const merged = { ...fromFile, ...fromContext };
  const result = LowtouchConfig.safeParse(merged);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '(file)');
    const source =
      key in fromContext ? `-c ${CONTEXT_PREFIX}${key}` : existsSync(filePath) ? fileName : 'nowhere';
    const got = key in merged ? `, got ${JSON.stringify(merged[key])}` : '';
    const fix =
      issue.code === 'unrecognized_keys'
        ? `remove ${issue.keys.map((k) => `"${k}"`).join(', ')} (known keys: ${CONFIG_KEYS.join(', ')})`
        : `set "${key}" in ${fileName} or pass -c ${CONTEXT_PREFIX}${key}=<value>`;
    const expected = EXPECTED[key] ?? issue.message;
    const what = !(key in merged)
      ? `is missing; expected ${expected}`
      : issue.code === 'invalid_type'
        ? `expected ${expected}`
        : issue.message;
    return `  - ${key} (from ${source}): ${what}${got}. Fix: ${fix}.`;
  });
  throw new ConfigError(`lowtouch config is invalid:\n${lines.join('\n')}`, { cause: result.error });
}
