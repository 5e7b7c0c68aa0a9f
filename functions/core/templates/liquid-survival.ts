import { ENDING_TAGS, enclosingElement, mjmlTags, positionOf } from './mjml-structure.ts';

// MJML keeps text only inside elements whose content is HTML (mj-text, mj-raw, mj-button, …). A Liquid tag
// written between other elements is dropped or moved without a word, so `{% if %}` around an <mj-button>
// would send the button to everyone. Every Liquid tag and output of the source must come out of MJML, in
// the same order.

const LIQUID = /\{%-?[\s\S]*?-?%\}|\{\{-?[\s\S]*?-?\}\}/g;

/** A Liquid tag or output of the MJML source that the compiled HTML no longer has where it was written. */
export interface LostLiquid {
  /** the tag as written, e.g. `{% if usage.logins7d > 2 %}` */
  tag: string;
  /** 1-based line and column in the composed MJML */
  line: number;
  column: number;
  /** the MJML element the tag sits in, e.g. "mj-column" (undefined at the top level) */
  parent: string | undefined;
}

/** The composed MJML with each one-line Liquid tag and output replaced by a numbered marker. */
export interface MarkedLiquid {
  mjml: string;
  tokens: { text: string; offset: number }[];
}

const marker = (index: number) => `\u27e6${index}\u27e7`;
const MARKER = /\u27e6(\d+)\u27e7/g;

/**
 * Replaces every one-line Liquid tag and output by a unique marker, so that after MJML each one can be
 * found again by number (several `{% endif %}` are otherwise indistinguishable).
 */
export function markLiquid(mjml: string): MarkedLiquid {
  const tokens: MarkedLiquid['tokens'] = [];
  const marked = mjml.replace(LIQUID, (text: string, offset: number) => {
    if (text.includes('\n') || text.includes('\u27e6')) return text;
    tokens.push({ text, offset });
    return marker(tokens.length - 1);
  });
  return { mjml: marked, tokens };
}

/** The compiled HTML with every marker replaced by its Liquid again. */
export function unmarkLiquid(html: string, marked: MarkedLiquid): string {
  return html.replace(MARKER, (whole, index: string) => marked.tokens[Number(index)]?.text ?? whole);
}

/**
 * The Liquid tags and outputs of the composed MJML that the compiled (still marked) HTML lost or moved out
 * of order. Liquid inside a start tag only has to be present, since MJML may reorder attributes.
 */
export function lostLiquid(original: string, marked: MarkedLiquid, compiledHtml: string): LostLiquid[] {
  const firstAt = new Map<number, number>();
  let position = 0;
  for (const match of compiledHtml.matchAll(MARKER)) {
    const index = Number(match[1]);
    if (!firstAt.has(index)) firstAt.set(index, position++);
  }
  const startTags = mjmlTags(original).filter((tag) => !tag.closing);
  const inStartTag = (offset: number) => startTags.some((tag) => tag.start < offset && offset < tag.end);
  const lost: LostLiquid[] = [];
  let last = -1;
  marked.tokens.forEach((token, index) => {
    const at = firstAt.get(index);
    if (at !== undefined && inStartTag(token.offset)) return;
    if (at !== undefined && at > last) {
      last = at;
      return;
    }
    const { line, column } = positionOf(original, token.offset);
    lost.push({ tag: token.text, line, column, parent: enclosingElement(original, token.offset) });
  });
  return lost;
}

/** The message for a lost tag: what happened and where the tag may go instead. */
export function lostLiquidMessage(lost: LostLiquid): string {
  const where = lost.parent ? `directly inside <${lost.parent}>` : 'outside every MJML element';
  const isTag = lost.tag.startsWith('{%');
  const kind = isTag ? 'Liquid tag' : 'Liquid output';
  const inside = [...ENDING_TAGS].filter((name) => ['mj-text', 'mj-raw', 'mj-button'].includes(name));
  const fix = isTag
    ? `wrap it in <mj-raw>${lost.tag.replace(/\s+/g, ' ')}</mj-raw> (Liquid may stand only inside ${inside.map((n) => `<${n}>`).join(', ')} or an attribute value)`
    : `move it inside ${inside.map((n) => `<${n}>`).join(', ')} or into an attribute value`;
  return `${kind} ${lost.tag.replace(/\s+/g, ' ')} ${where} is dropped by MJML, so the email would not do what it says; ${fix}`;
}
