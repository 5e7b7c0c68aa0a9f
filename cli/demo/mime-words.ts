// RFC 2047 encoded-words (`=?UTF-8?B?…?=`) as mail headers carry non-ASCII names and subjects. The
// outbox shows them as a mail client would, decoded.

const ENCODED_WORD = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;

function bytesOfQ(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '_') bytes.push(0x20);
    else if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(bytes);
}

function decodeWord(charset: string, encoding: string, text: string): string | undefined {
  const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : bytesOfQ(text);
  try {
    // RFC 2231 allows a language after the charset (`UTF-8*ja`).
    return new TextDecoder(charset.split('*')[0] ?? charset, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Decodes every RFC 2047 encoded-word in a header value; words it cannot decode stay as they are. */
export function decodeMimeWords(value: string): string {
  // Whitespace between two adjacent encoded-words is not part of the text (RFC 2047 §6.2).
  const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  return joined.replace(ENCODED_WORD, (word, charset: string, encoding: string, text: string) => {
    return decodeWord(charset, encoding, text) ?? word;
  });
}
