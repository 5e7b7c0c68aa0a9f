/** The report's whole stylesheet, inlined in a <style> tag: system fonts, fluid layout, print friendly. */
export const REPORT_CSS = `
:root{color-scheme:light;--fg:#1d2733;--muted:#5b6775;--line:#d8dee5;--bg:#f6f8fa;--card:#fff}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:0 0 4px}
h2{font-size:1.2rem;margin:0 0 12px}
nav{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px}
nav a{color:#1f6fb2}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px;margin:0 0 16px}
.muted{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px;margin-bottom:12px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px}
.card-value{font-size:1.4rem;font-weight:600}
.card-label{color:var(--muted);font-size:.85rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,480px),1fr));gap:16px}
figure{margin:0 0 12px;max-width:820px}
figcaption{color:var(--muted);font-size:.85rem}
svg.chart{width:100%;height:auto;display:block}
svg .grid{stroke:var(--line);stroke-width:1}
svg .axis{stroke:var(--muted);stroke-width:1}
svg text{font:11px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--fg)}
svg .tick,svg .note,svg .legend{fill:var(--muted)}
svg .inbar{fill:#fff;font-weight:600}
svg .value{font-weight:600}
svg text.muted{font-size:14px;fill:var(--muted)}
details{margin-top:8px}
summary{cursor:pointer;font-weight:600}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin-top:8px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums}
@media print{body{background:#fff}section{break-inside:avoid;border:0}details>*{display:block}}
`;
