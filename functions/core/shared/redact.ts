const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Replaces anything that looks like an email address with `<email>`, so logs and reasons carry no PII. */
export function redactEmails(text: string): string {
  return text.replace(EMAIL, '<email>');
}
