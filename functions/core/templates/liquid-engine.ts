import { Liquid, type LiquidOptions } from 'liquidjs';
import { intlLocaleOf, languageOf } from '../shared/locale.ts';

/** Raised by a template filter when its input cannot be formatted (e.g. a date that is not a date). */
export class FilterInputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FilterInputError';
  }
}

/** What a filter sees as `this`: the render context it runs in. */
interface FilterImpl {
  context: { getSync(paths: PropertyKey[]): unknown };
}

/** Names the render scope always holds besides the context itself; filters read them. */
export const SCOPE_LOCALE = 'locale';
export const SCOPE_TIME_ZONE = 'timeZone';
export const SCOPE_NOW = 'now';

function scopeString(impl: FilterImpl, name: string): string {
  const value = impl.context.getSync([name]);
  if (typeof value !== 'string' || value === '') {
    throw new FilterInputError(`the render scope has no ${name}; the renderer must set it`);
  }
  return value;
}

function scopeNumber(impl: FilterImpl, name: string): number {
  const value = impl.context.getSync([name]);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FilterInputError(`the render scope has no numeric ${name}; the renderer must set it`);
  }
  return value;
}

function toDate(value: unknown, filter: string): Date {
  const date =
    value instanceof Date
      ? value
      : typeof value === 'number'
        ? new Date(value)
        : typeof value === 'string'
          ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value)
          : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new FilterInputError(
      `${filter} got ${JSON.stringify(value)}, which is not a date; pass an ISO 8601 timestamp such as 2027-02-20T00:00:00Z`,
    );
  }
  return date;
}

const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormat(locale: string, timeZone: string, style: string): Intl.DateTimeFormat {
  const key = `d|${locale}|${timeZone}|${style}`;
  const hit = formatters.get(key);
  if (hit instanceof Intl.DateTimeFormat) return hit;
  const styles: Record<string, Intl.DateTimeFormatOptions> = {
    short: { dateStyle: 'short' },
    medium: { dateStyle: 'medium' },
    long: { dateStyle: 'long' },
    full: { dateStyle: 'full' },
    datetime: { dateStyle: 'long', timeStyle: 'short' },
    time: { timeStyle: 'short' },
  };
  const options = styles[style];
  if (!options) {
    throw new FilterInputError(
      `local_date has no style ${JSON.stringify(style)}; use one of ${Object.keys(styles).join(', ')}`,
    );
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(intlLocaleOf(locale), { ...options, timeZone });
  } catch (cause) {
    throw new FilterInputError(
      `local_date cannot use time zone ${JSON.stringify(timeZone)}; use an IANA name`,
      {
        cause,
      },
    );
  }
  formatters.set(key, format);
  return format;
}

function moneyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `m|${locale}|${currency}`;
  const hit = formatters.get(key);
  if (hit instanceof Intl.NumberFormat) return hit;
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(intlLocaleOf(locale), { style: 'currency', currency });
  } catch (cause) {
    throw new FilterInputError(`currency cannot format ${JSON.stringify(currency)}; use an ISO 4217 code`, {
      cause,
    });
  }
  formatters.set(key, format);
  return format;
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
function dayIn(date: Date, timeZone: string): number {
  const key = `d|en-CA|${timeZone}|day`;
  let format = formatters.get(key);
  if (!(format instanceof Intl.DateTimeFormat)) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(key, format);
  }
  return Date.parse(`${format.format(date)}T00:00:00Z`);
}

/** Display names of the product's features per language; unknown names are shown as they are. */
export const FEATURE_LABELS: Record<string, Record<string, string>> = {
  en: {
    projects: 'Projects',
    tasks: 'Tasks',
    reports: 'Reports',
    dashboards: 'Dashboards',
    integrations: 'Integrations',
    automations: 'Automations',
    'guest-access': 'Guest access',
  },
  ja: {
    projects: 'プロジェクト',
    tasks: 'タスク',
    reports: 'レポート',
    dashboards: 'ダッシュボード',
    integrations: '外部サービス連携',
    automations: '自動化ルール',
    'guest-access': 'ゲストアクセス',
  },
};

/** The project's own filters, registered on both liquidjs engines. */
export const CUSTOM_FILTERS: Record<
  string,
  (this: FilterImpl, value: unknown, ...args: unknown[]) => unknown
> = {
  /** `{{ account.renewalAt | local_date }}` → 2027年2月20日 / February 20, 2027 in the contact's time zone. */
  local_date(value, style = 'long') {
    const format = dateFormat(
      scopeString(this, SCOPE_LOCALE),
      scopeString(this, SCOPE_TIME_ZONE),
      String(style),
    );
    return format.format(toDate(value, 'local_date'));
  },
  /** `{{ account.arr | currency }}` → ￥1,200,000 / $12,000.00; the code defaults to account.currency. */
  currency(value, code) {
    const amount = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    if (!Number.isFinite(amount)) {
      throw new FilterInputError(`currency got ${JSON.stringify(value)}, which is not a number`);
    }
    let currency = typeof code === 'string' && code !== '' ? code : undefined;
    if (!currency) {
      const account = this.context.getSync(['account']);
      const fromAccount =
        typeof account === 'object' && account !== null && 'currency' in account
          ? account.currency
          : undefined;
      if (typeof fromAccount !== 'string') {
        throw new FilterInputError('currency needs a code: write {{ amount | currency: "JPY" }}');
      }
      currency = fromAccount;
    }
    return moneyFormat(scopeString(this, SCOPE_LOCALE), currency).format(amount);
  },
  /** `{{ account.renewalAt | days_until }}` → whole calendar days from now to that date in the contact's zone. */
  days_until(value) {
    const timeZone = scopeString(this, SCOPE_TIME_ZONE);
    const now = new Date(scopeNumber(this, SCOPE_NOW));
    return Math.round((dayIn(toDate(value, 'days_until'), timeZone) - dayIn(now, timeZone)) / 86_400_000);
  },
  /** `{{ "guest-access" | feature_label }}` → ゲストアクセス / Guest access. */
  feature_label(value) {
    const name = String(value);
    const labels = FEATURE_LABELS[languageOf(scopeString(this, SCOPE_LOCALE))] ?? FEATURE_LABELS.en;
    return labels?.[name] ?? name;
  },
};

function registerFilters(engine: Liquid): void {
  for (const [name, filter] of Object.entries(CUSTOM_FILTERS)) engine.registerFilter(name, filter);
}

function createEngine(escapeHtml: boolean): Liquid {
  const options: LiquidOptions = {
    strictVariables: true,
    strictFilters: true,
    lenientIf: true,
    ownPropertyOnly: true,
    // Templates come only from the templates directory; no include/render/layout may reach the file system.
    templates: {},
    cache: false,
  };
  if (escapeHtml) options.outputEscape = 'escape';
  const engine = new Liquid(options);
  registerFilters(engine);
  return engine;
}

let htmlEngine: Liquid | undefined;
let textEngine: Liquid | undefined;

/** The shared Liquid engine for HTML parts: strict, and every output HTML-escaped. */
export function htmlLiquid(): Liquid {
  htmlEngine ??= createEngine(true);
  return htmlEngine;
}

/** The shared Liquid engine for subjects, preheaders and plain text: strict, no escaping. */
export function textLiquid(): Liquid {
  textEngine ??= createEngine(false);
  return textEngine;
}
