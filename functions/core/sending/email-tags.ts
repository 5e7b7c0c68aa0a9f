// SES tag names and values may only hold ASCII letters, digits, `_` and `-` (at most 256 characters).
// Ids such as `onboarding#welcome#c-1` carry `#`, so values are escaped reversibly: every byte outside
// [A-Za-z0-9-] becomes `_XX` (upper-case hex of its UTF-8 byte), including `_` itself.

const SAFE = /^[A-Za-z0-9-]$/;

/** Names of the EmailTags lowtouch puts on every message. */
export const TAG = {
  campaign: 'lowtouch-campaign',
  step: 'lowtouch-step',
  variant: 'lowtouch-variant',
  sendId: 'lowtouch-send-id',
} as const;

/** Escapes any string into SES's tag-value charset; `decodeTagValue` reverses it. */
export function encodeTagValue(value: string): string {
  let out = '';
  for (const ch of value) {
    if (SAFE.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, 'utf8')) out += `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Reverses `encodeTagValue`; returns undefined when the text is not a valid encoding. */
export function decodeTagValue(encoded: string): string | undefined {
  if (!/^(?:[A-Za-z0-9-]|_[0-9A-F]{2})*$/.test(encoded)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; ) {
    if (encoded[i] === '_') {
      bytes.push(Number.parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(encoded.charCodeAt(i));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
