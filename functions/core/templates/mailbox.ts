// The From header's mailbox, shared by the SES sender and the preview so both show the same thing.

/** Longest UTF-8 run per encoded word: 45 bytes → 60 base64 characters, 72 with "=?UTF-8?B?" and "?=". */
const WORD_BYTES = 45;

/**
 * Formats a From address for SES: an ASCII display name is quoted, a non-ASCII one (e.g. Japanese) becomes
 * RFC 2047 UTF-8 encoded words of at most 75 characters each. Line breaks and runs of spaces in the name
 * collapse to one space, so a name can never add a header.
 */
export function formatFromAddress(displayName: string | undefined, address: string): string {
  const name = (displayName ?? '').replace(/\s+/g, ' ').trim();
  if (name === '') return address;
  if (/^[\x20-\x7e]*$/.test(name)) return `"${name.replace(/[\\"]/g, (ch) => `\\${ch}`)}" <${address}>`;
  const words: string[] = [];
  let chunk = '';
  for (const ch of name) {
    // Split between code points only, so every word decodes to valid UTF-8 on its own.
    if (Buffer.byteLength(chunk + ch, 'utf8') > WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return `${words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(' ')} <${address}>`;
}
