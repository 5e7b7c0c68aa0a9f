import { stringify } from 'csv-stringify/sync';

/**
 * Renders rows as RFC 4180 CSV with CRLF line ends (what spreadsheets expect). A field is quoted when it
 * holds a comma, a quote, a line break, or space at either end (which spreadsheets would trim).
 */
export function toCsvText(rows: readonly (readonly string[])[]): string {
  return stringify(
    rows.map((row) => [...row]),
    { record_delimiter: 'windows', quoted_match: [/[\r\n]/, /^\s|\s$/] },
  );
}
