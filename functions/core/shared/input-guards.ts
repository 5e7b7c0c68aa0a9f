// Every door (queue records, replay lines, CSV cells) meets hostile input before its schema does.
// JSON.parse copes with deep nesting, but walking the result (zod, JSON.stringify, our own code)
// recurses and overflows the stack, so depth is measured on the text, without recursion, first.

/** Deepest JSON nesting a door accepts; real events nest fewer than 10 levels. */
export const MAX_JSON_DEPTH = 64;
/** Longest JSON line or record body a door accepts, in characters (SQS caps messages at 256 KiB). */
export const MAX_JSON_CHARS = 262_144;
/** Longest CSV cell the import accepts, in characters. */
export const MAX_CELL_CHARS = 10_000;

/** The deepest bracket nesting of JSON text, counted without recursion (brackets in strings ignored). */
export function jsonDepthOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return deepest;
}

/** Why a text is not usable input (invalid UTF-8, binary, too long), or undefined when it is. */
export function textProblem(text: string, maxChars: number): string | undefined {
  if (text.length > maxChars)
    return `is ${text.length} characters long, more than the ${maxChars} allowed; split or shorten it`;
  if (text.includes('\uFFFD'))
    return 'is not valid UTF-8 text (it holds bytes of another encoding); save the file as UTF-8';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text))
    return 'holds binary data (control characters); only text is accepted';
  return undefined;
}

/** JSON text parsed only after its size, encoding and depth were checked; a reason when refused. */
export function parseGuardedJson(
  text: string,
  limits: { maxChars?: number; maxDepth?: number } = {},
): { ok: true; value: unknown } | { ok: false; reason: string } {
  const maxChars = limits.maxChars ?? MAX_JSON_CHARS;
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  const problem = textProblem(text, maxChars);
  if (problem) return { ok: false, reason: `the record ${problem}` };
  const depth = jsonDepthOf(text);
  if (depth > maxDepth)
    return {
      ok: false,
      reason: `the record nests ${depth} levels deep, more than the ${maxDepth} allowed; send flat event records`,
    };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}
