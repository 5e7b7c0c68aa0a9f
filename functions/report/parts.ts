import { esc } from './svg.ts';

/** Building blocks of the KPI report page: tables, figures, headline cards and number formats. */

/** A column of an HTML table: its header and how to print a row. */
export interface TableColumn<R> {
  label: string;
  cell: (row: R) => string;
  numeric?: boolean;
}

/** A collapsible HTML table (a <details> element, so it opens without scripts). */
export function table<R>(caption: string, columns: readonly TableColumn<R>[], rows: readonly R[]): string {
  if (rows.length === 0) return `<p class="muted">${esc(caption)}: no rows in this range.</p>`;
  const head = columns
    .map((c) => `<th scope="col"${c.numeric ? ' class="num"' : ''}>${esc(c.label)}</th>`)
    .join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${columns.map((c) => `<td${c.numeric ? ' class="num"' : ''}>${esc(c.cell(row))}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<details><summary>${esc(caption)}</summary><div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div></details>`;
}

/** A number with fixed digits, or an en dash. */
export const num = (value: number | null, digits = 0): string =>
  value === null ? '–' : value.toFixed(digits);
/** A signed number (+1.5), or an en dash. */
export const signed = (value: number | null, digits = 1): string =>
  value === null ? '–' : `${value > 0 ? '+' : ''}${value.toFixed(digits)}`;
/** A p-value with three decimals, "<0.001" below that. */
export const pValue = (value: number | null): string =>
  value === null ? '–' : value < 0.001 ? '<0.001' : value.toFixed(3);

/** A chart with its caption. */
export function figure(chart: string, caption: string): string {
  return `<figure>${chart}<figcaption>${esc(caption)}</figcaption></figure>`;
}

/** A headline figure. */
export function card(label: string, value: string): string {
  return `<div class="card"><div class="card-value">${esc(value)}</div><div class="card-label">${esc(label)}</div></div>`;
}
