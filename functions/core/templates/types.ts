import type { Template } from 'liquidjs';
import type { Contact } from '../shared/domain.ts';

/** A released feature as shown to one contact; title and summary are already in the email's language. */
export interface ReleasedFeature {
  id: string;
  title: string;
  summary: string;
  url: string;
  /** product features (usage names such as "reports") this release builds on */
  relatedTo: string[];
}

/** The company that sends the mail, shown in the header and footer. */
export interface Brand {
  company: string;
  address: string;
  appUrl: string;
  helpUrl: string;
  logoUrl?: string;
}

/** Text given once, or per locale (`{ en: ..., ja: ... }`). */
export type LocalizedText = string | Readonly<Record<string, string>>;

/** The brand as policy.yaml holds it: company and address may differ per locale. */
export interface BrandSpec extends Omit<Brand, 'company' | 'address'> {
  company: LocalizedText;
  address: LocalizedText;
}

/** Everything a customer email template may read. */
export interface RenderContext {
  contact: { id: string; name: string; email: string; locale: string; timeZone: string; role: string };
  account: {
    id: string;
    name: string;
    plan: string;
    currency: string;
    arr: number;
    mrr: number;
    seats: number;
    renewalAt?: string;
    trialEndsAt?: string;
    tier?: string;
    health?: { score: number; color: string };
  };
  usage: Contact['usage'];
  campaign: { id: string; name: string; kind: string; topic: string };
  step: { id: string };
  variant: { id: string };
  /** the usage segment the contact matched (power | steady | at-risk | new-contacts), if any */
  segment?: string;
  /** feature-release campaigns only: all released features, and those related to what this contact uses */
  release?: { features: ReleasedFeature[]; forYou: ReleasedFeature[] };
  brand: Brand;
  links: { unsubscribe: string; preferences: string };
}

/** One call-to-action listed in a CSM's daily digest. */
export interface DigestCta {
  accountId?: string;
  accountName: string;
  type: string;
  reason: string;
  dueAt: string;
  url?: string;
  /** the CTA type in the CSM's language */
  typeName?: string;
  /** signed links to the acknowledge and close pages (GET shows a confirmation, POST acts) */
  acknowledgeUrl?: string;
  closeUrl?: string;
}

/** What the CSM digest template may read. */
export interface CsmDigestContext {
  csm: { name: string; email?: string; timeZone?: string; locale?: string };
  ctas: DigestCta[];
  brand: Brand;
}

/** Who a template is written for: customers (with unsubscribe) or an internal CSM digest. */
export type TemplateKind = 'customer' | 'csm-digest';

/** The serializable result of compiling one template file: MJML turned into HTML, Liquid left intact. */
export interface CompiledTemplateData {
  id: string;
  locale: string;
  kind: TemplateKind;
  /** sha256 of the composed sources and the compiler version; the compile cache key */
  hash: string;
  /** the template file, relative to the templates directory, for error messages */
  file: string;
  subject: string;
  preheader: string;
  fromName?: string;
  html: string;
  text: string;
  /** true when the plain text came from a `.txt` file next to the template */
  textOverride: boolean;
}

/** A compiled template with its Liquid parts parsed, ready to render many contacts. */
export interface CompiledTemplate extends CompiledTemplateData {
  parsed: {
    subject: Template[];
    preheader: Template[];
    fromName?: Template[];
    html: Template[];
    text: Template[];
  };
}

/** One rendered email, ready for SES v2 Simple content. */
export interface RenderedEmail {
  subject: string;
  preheader: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
  fromName?: string;
  locale: string;
}

/** A problem found in a template file, located as file:line:col of the file the author edits. */
export interface TemplateProblem {
  file: string;
  line: number;
  /** 1-based column; 1 when the problem is about the whole line or file */
  column?: number;
  message: string;
}

/** `file:line:col` of a problem, as validate prints it. */
export function problemPlace(problem: TemplateProblem): string {
  return `${problem.file}:${problem.line}:${problem.column ?? 1}`;
}

/** Raised when rendering one contact fails; names the template, the locale and the variable. */
export class RenderError extends Error {
  readonly templateId: string;
  readonly locale: string;
  /** the variable path (e.g. "account.renewalAt") that was missing or unusable, when known */
  readonly variable: string | undefined;
  constructor(
    input: { templateId: string; locale: string; variable: string | undefined; message: string },
    options?: { cause?: unknown },
  ) {
    super(input.message, options);
    this.name = 'RenderError';
    this.templateId = input.templateId;
    this.locale = input.locale;
    this.variable = input.variable;
  }
}

/** Raised when a template does not compile; lists every problem as file:line. */
export class TemplateCompileError extends Error {
  readonly problems: TemplateProblem[];
  constructor(problems: TemplateProblem[], options?: { cause?: unknown }) {
    super(
      problems.length === 1 && problems[0]
        ? `${problemPlace(problems[0])}  ${problems[0].message}`
        : `${problems.length} template problems:\n${problems.map((p) => `  ${problemPlace(p)}  ${p.message}`).join('\n')}`,
      options,
    );
    this.name = 'TemplateCompileError';
    this.problems = problems;
  }
}
