// Byte-level checks before any parsing: size, binary content, UTF-8 validity and control characters.

/** A 1-based line and column in a text file. */
export type Position = { line: number; col: number };

/** A byte count as an author reads it: 1.4 MB, 12 KB. */
export const sizeWords = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;

/**
 * Turns file input into text: oversized, binary (a NUL byte) and non-UTF-8 input become one positioned
 * problem instead, worded for the author.
 */
export function decodeText(
  input: string | Uint8Array,
  maxBytes: number,
): { text: string } | { problem: Position & { message: string } } {
  const size = typeof input === 'string' ? utf8Length(input, maxBytes) : input.byteLength;
  if (size > maxBytes)
    return {
      problem: {
        line: 1,
        col: 1,
        message: `file is ${sizeWords(size)}, over the ${sizeWords(maxBytes)} limit for a YAML file (is this the right file? split it if it is)`,
      },
    };
  if (typeof input === 'string') {
    const nul = input.indexOf('\u0000');
    if (nul >= 0) return { problem: binaryAt(positionOf(input, nul)) };
    return { text: input };
  }
  const nul = input.indexOf(0);
  if (nul >= 0) return { problem: binaryAt(bytePosition(input, nul)) };
  const bad = firstInvalidUtf8(input);
  if (bad !== undefined) {
    const at = bytePosition(input, bad);
    const hex = [...input.subarray(bad, bad + 1)]
      .map((b) => `\\x${b.toString(16).padStart(2, '0')}`)
      .join('');
    return {
      problem: {
        ...at,
        message: `file is not UTF-8 (byte ${hex} at line ${at.line}); save it as UTF-8 (in most editors: "Save with encoding" → UTF-8)`,
      },
    };
  }
  return { text: new TextDecoder('utf-8').decode(input) };
}

function binaryAt(at: Position): Position & { message: string } {
  return {
    ...at,
    message: `file looks binary (a NUL byte at line ${at.line}); campaign files and front matter are UTF-8 text`,
  };
}

function utf8Length(text: string, maxBytes: number): number {
  // Exact only when it matters: a string near the limit is measured in UTF-8 bytes.
  if (text.length * 3 <= maxBytes) return text.length;
  return new TextEncoder().encode(text).byteLength;
}

/** The line and column of a character offset in a text. */
export function positionOf(text: string, index: number): Position {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: index - start + 1 };
}

function bytePosition(bytes: Uint8Array, index: number): Position {
  let line = 1;
  let start = 0;
  for (let i = 0; i < index; i++)
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  return { line, col: index - start + 1 };
}

/** Offset of the first byte that breaks UTF-8, or undefined when the whole input is valid. */
function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    const second = bytes[i + 1] ?? 0;
    // overlong forms, UTF-16 surrogates and code points above U+10FFFF
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f)) return i;
    if ((b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += need + 1;
  }
  return undefined;
}

/** The first character YAML forbids (C0 controls other than tab and line breaks, DEL, C1 but NEL), if any. */
export function firstControl(text: string): { char: string; at: Position } | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const forbidden =
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
      (code >= 0x7f && code <= 0x9f && code !== 0x85);
    if (forbidden) return { char: text.charAt(i), at: positionOf(text, i) };
  }
  return undefined;
}
