// Over 300 lines: one module per chart kind would split one coordinate system and one scale helper set.
/**
 * Inline SVG charts for the KPI report: plain markup with a viewBox, no scripts, no external
 * resources, so the report reads the same in a browser, a mail client or a file preview.
 */

const W = 640;
const LEFT = 56;
const RIGHT = 16;
const TOP = 28;

/** Escapes text for HTML and SVG content and attribute values. */
export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Formats a 0–1 rate as a percentage with one decimal, or an en dash when absent. */
export function pct(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}

/** Colors for series, chosen to stay apart for common color-vision deficiencies. */
export const PALETTE = [
  '#1f6fb2',
  '#d9731a',
  '#2a9d5c',
  '#8a4fb8',
  '#c23b4a',
  '#6b7f1a',
  '#1a8f96',
  '#7a5c3e',
];
/** Health colors. */
export const HEALTH_COLORS = { green: '#2a9d5c', yellow: '#e0b220', red: '#c23b4a', unscored: '#9aa3ad' };

const n2 = (value: number): string => (Math.round(value * 100) / 100).toString();

function frame(id: string, title: string, height: number, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" role="img"`,
    ` aria-labelledby="${esc(id)}-title" class="chart" data-chart="${esc(id)}">`,
    `<title id="${esc(id)}-title">${esc(title)}</title>`,
    body,
    '</svg>',
  ].join('');
}

function empty(id: string, title: string): string {
  return frame(
    id,
    title,
    120,
    `<text x="${W / 2}" y="64" text-anchor="middle" class="muted">No data in this range</text>`,
  );
}

/** Lays legend entries out left to right, wrapping to a new row at the chart's right edge. */
function legend(items: readonly { label: string; color: string; dash?: boolean }[], top: number) {
  let x = LEFT;
  let y = top + 12;
  let rows = items.length > 0 ? 1 : 0;
  const parts = items.map((item) => {
    const width = 34 + item.label.length * 6.5;
    if (x + width > W - RIGHT && x > LEFT) {
      x = LEFT;
      y += 18;
      rows += 1;
    }
    const dash = item.dash ? ' stroke-dasharray="5 3"' : '';
    const part =
      `<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${item.color}" stroke-width="3"${dash}/>` +
      `<text x="${x + 24}" y="${y}" class="legend">${esc(item.label)}</text>`;
    x += width;
    return part;
  });
  return { svg: parts.join(''), height: rows * 18 + 8 };
}

function yAxis(min: number, max: number, plotH: number, format: (v: number) => string): string {
  const parts: string[] = [];
  for (let i = 0; i <= 4; i += 1) {
    const value = min + ((max - min) * i) / 4;
    const y = TOP + plotH - (plotH * i) / 4;
    parts.push(`<line x1="${LEFT}" y1="${n2(y)}" x2="${W - RIGHT}" y2="${n2(y)}" class="grid"/>`);
    parts.push(
      `<text x="${LEFT - 6}" y="${n2(y + 4)}" text-anchor="end" class="tick">${esc(format(value))}</text>`,
    );
  }
  return parts.join('');
}

/** A rounded-up axis maximum for positive values (at least `floor`). */
export function niceMax(value: number, floor: number): number {
  if (!(value > floor)) return floor;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

/** One line of a line chart: points by x label, null for a gap. */
export interface LineSeries {
  label: string;
  color: string;
  dashed?: boolean;
  points: readonly { x: string; y: number | null }[];
}

/** A line chart over categorical x labels (days or periods) with an optional fixed y range. */
export function lineChart(
  id: string,
  title: string,
  series: readonly LineSeries[],
  options: { yMin?: number; yMax?: number; format: (v: number) => string },
): string {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort();
  const values = series.flatMap((s) => s.points.flatMap((p) => (p.y === null ? [] : [p.y])));
  if (xs.length === 0 || values.length === 0) return empty(id, title);
  const plotH = 200;
  const yMin = options.yMin ?? 0;
  const yMax = options.yMax ?? niceMax(Math.max(...values), 0.05);
  const plotW = W - LEFT - RIGHT;
  const xAt = (i: number) => LEFT + (xs.length === 1 ? plotW / 2 : (plotW * i) / (xs.length - 1));
  const yAt = (v: number) =>
    TOP + plotH - (plotH * (Math.min(Math.max(v, yMin), yMax) - yMin)) / (yMax - yMin);
  const every = Math.max(1, Math.ceil(xs.length / 8));
  const xTicks = xs
    .map((x, i) =>
      i % every === 0 || i === xs.length - 1
        ? `<text x="${n2(xAt(i))}" y="${TOP + plotH + 16}" text-anchor="middle" class="tick">${esc(x.length === 10 ? x.slice(5) : x)}</text>`
        : '',
    )
    .join('');
  const lines = series
    .map((s) => {
      const byX = new Map(s.points.map((p) => [p.x, p.y]));
      let path = '';
      let pen = false;
      const dots: string[] = [];
      xs.forEach((x, i) => {
        const y = byX.get(x);
        if (y === undefined || y === null) {
          pen = false;
          return;
        }
        path += `${pen ? 'L' : 'M'}${n2(xAt(i))} ${n2(yAt(y))} `;
        pen = true;
        dots.push(
          `<circle cx="${n2(xAt(i))}" cy="${n2(yAt(y))}" r="2.5" fill="${s.color}"><title>${esc(
            `${s.label} ${x}: ${options.format(y)}`,
          )}</title></circle>`,
        );
      });
      const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
      return `<path d="${path.trim()}" fill="none" stroke="${s.color}" stroke-width="2"${dash} class="series"/>${dots.join('')}`;
    })
    .join('');
  const zero =
    yMin < 0
      ? `<line x1="${LEFT}" y1="${n2(yAt(0))}" x2="${W - RIGHT}" y2="${n2(yAt(0))}" class="axis"/>`
      : '';
  const key = legend(
    series.map((s) => ({ label: s.label, color: s.color, dash: s.dashed ?? false })),
    TOP + plotH + 28,
  );
  const body = yAxis(yMin, yMax, plotH, options.format) + zero + xTicks + lines + key.svg;
  return frame(id, title, TOP + plotH + 28 + key.height, body);
}

/** One group of a grouped bar chart: a category and its values, with an optional note under it. */
export interface BarGroup {
  label: string;
  values: readonly (number | null)[];
  note?: string;
}

/** A vertical grouped bar chart (one bar per series within each category). */
export function barChart(
  id: string,
  title: string,
  seriesLabels: readonly string[],
  groups: readonly BarGroup[],
  options: { yMax?: number; format: (v: number) => string; colors?: readonly string[] },
): string {
  const values = groups.flatMap((g) => g.values.flatMap((v) => (v === null ? [] : [v])));
  if (groups.length === 0 || values.length === 0) return empty(id, title);
  const plotH = 200;
  const yMax = options.yMax ?? niceMax(Math.max(...values), 0.05);
  const plotW = W - LEFT - RIGHT;
  const groupW = plotW / groups.length;
  const barW = Math.min(48, (groupW * 0.8) / Math.max(1, seriesLabels.length));
  const colors = options.colors ?? PALETTE;
  const bars = groups
    .map((group, gi) => {
      const x0 = LEFT + gi * groupW + (groupW - barW * seriesLabels.length) / 2;
      const rects = group.values
        .map((value, si) => {
          if (value === null) return '';
          const h = (plotH * Math.min(value, yMax)) / yMax;
          const x = x0 + si * barW;
          const y = TOP + plotH - h;
          const label = `${seriesLabels[si] ?? ''} ${group.label}: ${options.format(value)}`;
          return (
            `<rect x="${n2(x)}" y="${n2(y)}" width="${n2(barW - 2)}" height="${n2(h)}" fill="${colors[si % colors.length]}" class="bar"><title>${esc(label)}</title></rect>` +
            `<text x="${n2(x + (barW - 2) / 2)}" y="${n2(y - 4)}" text-anchor="middle" class="value">${esc(options.format(value))}</text>`
          );
        })
        .join('');
      const cx = LEFT + gi * groupW + groupW / 2;
      const label = `<text x="${n2(cx)}" y="${TOP + plotH + 16}" text-anchor="middle" class="tick">${esc(group.label)}</text>`;
      const note = group.note
        ? `<text x="${n2(cx)}" y="${TOP + plotH + 32}" text-anchor="middle" class="note">${esc(group.note)}</text>`
        : '';
      return rects + label + note;
    })
    .join('');
  const key = legend(
    seriesLabels.map((label, i) => ({ label, color: colors[i % colors.length] ?? '#000' })),
    TOP + plotH + 40,
  );
  return frame(
    id,
    title,
    TOP + plotH + 40 + key.height,
    yAxis(0, yMax, plotH, options.format) + bars + key.svg,
  );
}

/** One stage of a funnel. */
export interface FunnelStage {
  label: string;
  count: number;
}

/** A horizontal funnel: one bar per stage, width relative to the first stage. */
export function funnelChart(id: string, title: string, stages: readonly FunnelStage[]): string {
  const first = stages[0]?.count ?? 0;
  if (stages.length === 0 || first === 0) return empty(id, title);
  const rowH = 34;
  const height = TOP + stages.length * rowH + 12;
  const labelW = 150;
  const maxW = W - labelW - RIGHT - 110;
  const rows = stages
    .map((stage, i) => {
      const w = Math.max(2, (maxW * stage.count) / first);
      const y = TOP + i * rowH;
      const x = labelW + (maxW - w) / 2;
      const share = pct(stage.count / first);
      return (
        `<text x="${labelW - 8}" y="${y + 20}" text-anchor="end" class="tick">${esc(stage.label)}</text>` +
        `<rect x="${n2(x)}" y="${y + 4}" width="${n2(w)}" height="${rowH - 8}" rx="3" fill="${PALETTE[0]}" class="bar"><title>${esc(
          `${stage.label}: ${stage.count} (${share})`,
        )}</title></rect>` +
        `<text x="${labelW + maxW + 8}" y="${y + 20}" class="value">${stage.count} · ${esc(share)}</text>`
      );
    })
    .join('');
  return frame(id, title, height, rows);
}

/** One bar of a stacked 100% bar chart: segment counts by key. */
export interface StackedBar {
  label: string;
  segments: readonly { key: string; count: number; color: string }[];
}

/** Horizontal 100%-stacked bars, e.g. health colors per tier. */
export function stackedBarChart(id: string, title: string, bars: readonly StackedBar[]): string {
  const totals = bars.map((b) => b.segments.reduce((sum, s) => sum + s.count, 0));
  if (bars.length === 0 || totals.every((t) => t === 0)) return empty(id, title);
  const rowH = 36;
  const labelW = 110;
  const maxW = W - labelW - RIGHT - 60;
  const rows = bars
    .map((bar, i) => {
      const total = totals[i] ?? 0;
      const y = TOP + i * rowH;
      let x = labelW;
      const segments = bar.segments
        .map((segment) => {
          if (total === 0 || segment.count === 0) return '';
          const w = (maxW * segment.count) / total;
          const rect = `<rect x="${n2(x)}" y="${y + 4}" width="${n2(w)}" height="${rowH - 10}" fill="${segment.color}" class="bar"><title>${esc(
            `${bar.label} ${segment.key}: ${segment.count} (${pct(segment.count / total)})`,
          )}</title></rect>`;
          const text =
            w > 28
              ? `<text x="${n2(x + w / 2)}" y="${y + 22}" text-anchor="middle" class="inbar">${segment.count}</text>`
              : '';
          x += w;
          return rect + text;
        })
        .join('');
      return (
        `<text x="${labelW - 8}" y="${y + 22}" text-anchor="end" class="tick">${esc(bar.label)}</text>` +
        segments +
        `<text x="${labelW + maxW + 8}" y="${y + 22}" class="value">n=${total}</text>`
      );
    })
    .join('');
  const keys = bars[0]?.segments.map((s) => ({ label: s.key, color: s.color })) ?? [];
  const key = legend(keys, TOP + bars.length * rowH + 4);
  return frame(id, title, TOP + bars.length * rowH + 4 + key.height, rows + key.svg);
}
