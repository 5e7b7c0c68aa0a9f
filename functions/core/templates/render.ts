import { type Liquid, LiquidError, type Template } from 'liquidjs';
import { type LinkPolicy, originOf, rewriteHtmlLinks, rewriteTextLinks } from './links.ts';
import { htmlLiquid, SCOPE_LOCALE, SCOPE_NOW, SCOPE_TIME_ZONE, textLiquid } from './liquid-engine.ts';
import {
  type CompiledTemplate,
  type CsmDigestContext,
  type RenderContext,
  RenderError,
  type RenderedEmail,
} from './types.ts';

/** Per-send settings of a render: UTM values, the clock, and any extra origins whose links get UTM. */
export interface RenderOptions {
  utm: { campaign: string; content: string; source?: string; medium?: string };
  /** epoch milliseconds; `days_until` counts from here */
  now: number;
  /** origins besides brand.appUrl and brand.helpUrl whose links get UTM parameters */
  trackedOrigins?: string[];
}

/** The outcome of rendering one contact: the email, or the reason it was skipped. */
export type RenderOutcome = { ok: true; email: RenderedEmail } | { ok: false; error: RenderError };

type Part = 'subject' | 'preheader' | 'fromName' | 'html' | 'text';

/** Renders one customer email; throws RenderError (template, locale, variable) instead of leaving a blank. */
export function renderEmail(tpl: CompiledTemplate, ctx: RenderContext, opts: RenderOptions): RenderedEmail {
  const fail = (variable: string | undefined, message: string, cause?: unknown): RenderError =>
    new RenderError({ templateId: tpl.id, locale: tpl.locale, variable, message }, { cause });
  if (tpl.kind !== 'customer') {
    throw fail(
      undefined,
      `template ${tpl.id} (${tpl.locale}) is a ${tpl.kind} template; use renderCsmDigest`,
    );
  }
  const unsubscribe = ctx.links.unsubscribe;
  if (!isSafeUnsubscribeUrl(unsubscribe)) {
    throw fail(
      'links.unsubscribe',
      `template ${tpl.id} (${tpl.locale}): links.unsubscribe ${JSON.stringify(unsubscribe)} is not an https URL; one-click unsubscribe (RFC 8058) needs https`,
    );
  }
  const scope = {
    ...ctx,
    [SCOPE_LOCALE]: tpl.locale,
    [SCOPE_TIME_ZONE]: ctx.contact.timeZone,
    [SCOPE_NOW]: opts.now,
  };
  const trackedOrigins = [ctx.brand.appUrl, ctx.brand.helpUrl, ...(opts.trackedOrigins ?? [])].flatMap(
    (url) => originOf(url) ?? [],
  );
  const policy: LinkPolicy = {
    utm: {
      source: opts.utm.source ?? 'lowtouch',
      medium: opts.utm.medium ?? 'email',
      campaign: opts.utm.campaign,
      content: opts.utm.content,
    },
    trackedOrigins,
  };
  const rendered = renderParts(tpl, scope, `contact ${ctx.contact.id}`, policy, [
    unsubscribe,
    ctx.links.preferences,
  ]);
  return {
    ...rendered,
    headers: [
      { name: 'List-Unsubscribe', value: `<${unsubscribe}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
  };
}

/** Like {@link renderEmail} but returns the RenderError as a value, so a batch can skip one contact and go on. */
export function tryRenderEmail(
  tpl: CompiledTemplate,
  ctx: RenderContext,
  opts: RenderOptions,
): RenderOutcome {
  try {
    return { ok: true, email: renderEmail(tpl, ctx, opts) };
  } catch (error) {
    if (error instanceof RenderError) return { ok: false, error };
    throw error;
  }
}

/** Renders a CSM's daily digest of CTAs (an internal email: no unsubscribe headers, no UTM). */
export function renderCsmDigest(
  tpl: CompiledTemplate,
  ctx: CsmDigestContext,
  opts: { now: number; timeZone?: string },
): RenderedEmail {
  if (tpl.kind !== 'csm-digest') {
    throw new RenderError({
      templateId: tpl.id,
      locale: tpl.locale,
      variable: undefined,
      message: `template ${tpl.id} (${tpl.locale}) is a ${tpl.kind} template; use renderEmail`,
    });
  }
  const scope = {
    ...ctx,
    [SCOPE_LOCALE]: tpl.locale,
    [SCOPE_TIME_ZONE]: ctx.csm.timeZone ?? opts.timeZone ?? 'UTC',
    [SCOPE_NOW]: opts.now,
  };
  const policy: LinkPolicy = {
    utm: { source: '', medium: '', campaign: '', content: '' },
    trackedOrigins: [],
  };
  return { ...renderParts(tpl, scope, 'the CSM digest', policy, []), headers: [] };
}

function renderParts(
  tpl: CompiledTemplate,
  scope: Record<string, unknown>,
  who: string,
  policy: LinkPolicy,
  untouchedLinks: string[],
): Omit<RenderedEmail, 'headers'> {
  const run = (
    engine: Liquid,
    part: Part,
    templates: Template[],
    partScope: Record<string, unknown>,
  ): string => {
    // A lenient `{% if optional.value %}` makes Liquid build and catch an Error internally; capturing stack
    // traces for those dominated render time. The render is synchronous, so the limit is restored before
    // any other code runs.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let output: unknown;
    let failure: unknown;
    let failed = false;
    try {
      output = engine.renderSync(templates, partScope);
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      Error.stackTraceLimit = limit;
    }
    if (failed) throw toRenderError(tpl, part, who, failure);
    return String(output);
  };
  const text = textLiquid();
  const subject = oneLine(
    isLiteral(tpl.subject) ? tpl.subject : run(text, 'subject', tpl.parsed.subject, scope),
  );
  if (subject === '') {
    throw new RenderError({
      templateId: tpl.id,
      locale: tpl.locale,
      variable: undefined,
      message: `template ${tpl.id} (${tpl.locale}) rendered an empty subject for ${who}; check the subject line's variables`,
    });
  }
  const preheader = oneLine(
    isLiteral(tpl.preheader) ? tpl.preheader : run(text, 'preheader', tpl.parsed.preheader, scope),
  );
  const fromName =
    tpl.fromName === undefined || !tpl.parsed.fromName
      ? undefined
      : oneLine(isLiteral(tpl.fromName) ? tpl.fromName : run(text, 'fromName', tpl.parsed.fromName, scope));
  const withEmail = { ...scope, email: { subject, preheader } };
  const html = rewriteHtmlLinks(run(htmlLiquid(), 'html', tpl.parsed.html, withEmail), policy);
  const plain = rewriteTextLinks(
    tidyText(run(text, 'text', tpl.parsed.text, withEmail)),
    policy,
    untouchedLinks,
  );
  return { subject, preheader, html, text: plain, locale: tpl.locale, ...(fromName ? { fromName } : {}) };
}

/** Plain text with no Liquid in it renders to itself; skipping the engine saves time on every send. */
function isLiteral(source: string): boolean {
  return !source.includes('{{') && !source.includes('{%');
}

/** Header values must be one line: collapse all whitespace, including CR/LF from data, to single spaces. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function tidyText(value: string): string {
  return value
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const UNDEFINED_VARIABLE = /undefined variable: ([^\s,]+)/;
const FIRST_VARIABLE = /^\{\{-?\s*([A-Za-z_][\w.[\]'"-]*)/;

function toRenderError(tpl: CompiledTemplate, part: Part, who: string, error: unknown): RenderError {
  const message = error instanceof Error ? error.message : String(error);
  const missing = UNDEFINED_VARIABLE.exec(message)?.[1];
  const where = `template ${tpl.id} (${tpl.locale}, ${part})`;
  if (missing) {
    return new RenderError(
      {
        templateId: tpl.id,
        locale: tpl.locale,
        variable: missing,
        message: `${where} needs ${missing}, which ${who} does not have; add the data, guard it with {% if ${missing} %}, or write {{ ${missing} | default: "…" }}`,
      },
      { cause: error },
    );
  }
  const tokenText = error instanceof LiquidError ? error.token?.getText() : undefined;
  const variable = tokenText ? FIRST_VARIABLE.exec(tokenText)?.[1] : undefined;
  const detail = (error instanceof LiquidError && error.originalError?.message) || message;
  return new RenderError(
    {
      templateId: tpl.id,
      locale: tpl.locale,
      variable,
      message: `${where} failed for ${who}${variable ? ` at ${variable}` : ''}: ${detail.replace(/, line:\d+, col:\d+$/, '')}`,
    },
    { cause: error },
  );
}

function isSafeUnsubscribeUrl(value: string): boolean {
  try {
    const url = new URL(value);
    // http is accepted only for the local runtime on this machine.
    return (
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost'))
    );
  } catch {
    return false;
  }
}
