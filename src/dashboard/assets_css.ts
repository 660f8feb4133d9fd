/**
 * The dashboard's stylesheet, served as `<basePath>/assets/dashboard.css`
 * (the Content-Security-Policy allows styles from the dashboard only, so no
 * inline style anywhere).
 *
 * @module
 */

/** The stylesheet. */
export const DASHBOARD_CSS = `
:root {
  --bg: #f6f7f9; --panel: #fff; --ink: #1d2330; --muted: #667085; --line: #e4e7ec;
  --accent: #4f46e5; --accent-ink: #fff;
  --queued: #2563eb; --deferred: #7c3aed; --active: #d97706; --done: #16a34a;
  --failed: #ea580c; --dead: #dc2626; --cancelled: #6b7280; --paused: #b45309;
  --mono: ui-monospace, "SFMono-Regular", "JetBrains Mono", Menlo, Consolas, monospace;
  color-scheme: light;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1218; --panel: #171b23; --ink: #e6e8ee; --muted: #98a2b3; --line: #2a303c;
    --accent: #818cf8; --accent-ink: #0f1218; color-scheme: dark;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { font-size: 15px; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.5; -webkit-font-smoothing: antialiased;
}
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top {
  display: flex; align-items: center; gap: 2rem; padding: 0 1.5rem; height: 3.25rem;
  background: var(--panel); border-bottom: 1px solid var(--line);
}
header.top .brand { font-weight: 700; letter-spacing: -0.01em; color: var(--ink); font-size: 1.05rem; }
header.top .brand span { color: var(--accent); }
header.top nav { display: flex; gap: 0.25rem; }
header.top nav a {
  color: var(--muted); padding: 0.35rem 0.75rem; border-radius: 6px; font-weight: 500;
}
header.top nav a[aria-current="page"] { color: var(--ink); background: var(--bg); }
header.top .mode { margin-left: auto; color: var(--muted); font-size: 0.85rem; }
main { max-width: 1200px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 0.25rem; letter-spacing: -0.02em; }
h1 .sub { color: var(--muted); font-weight: 400; }
h2 { font-size: 1.05rem; margin: 1.75rem 0 0.75rem; }
p.lead { color: var(--muted); margin: 0 0 1.25rem; }
.panel {
  background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
  overflow: hidden;
}
.panel.pad { padding: 1rem 1.25rem; }
table { width: 100%; border-collapse: collapse; font-size: 0.93rem; }
th, td { text-align: left; padding: 0.6rem 0.9rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; }
tr:last-child td { border-bottom: 0; }
tr[data-job] td:first-child, tr[data-worker] td:first-child { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.count.zero { color: var(--muted); opacity: 0.55; font-weight: 400; }
.tabs .n .count { color: var(--muted); font-weight: 400; opacity: 1; }
code, .mono, pre { font-family: var(--mono); font-size: 0.86rem; }
pre {
  margin: 0; padding: 0.85rem 1rem; background: var(--bg); border: 1px solid var(--line);
  border-radius: 8px; overflow: auto; max-height: 28rem; white-space: pre-wrap; word-break: break-word;
}
.badge {
  display: inline-block; padding: 0.05rem 0.55rem; border-radius: 999px; font-size: 0.78rem;
  font-weight: 600; color: #fff; background: var(--muted); white-space: nowrap;
}
.state-queued { --state: var(--queued); } .state-deferred { --state: var(--deferred); }
.state-active, .state-in_progress { --state: var(--active); } .state-done { --state: var(--done); }
.state-failed { --state: var(--failed); } .state-dead { --state: var(--dead); }
.state-cancelled { --state: var(--cancelled); } .state-paused { --state: var(--paused); }
.badge[class*="state-"] { background: var(--state); }
.count[class*="state-"] { color: var(--state); font-weight: 600; }
.tabs { display: flex; gap: 0.35rem; flex-wrap: wrap; margin: 1rem 0; }
.tabs a {
  padding: 0.3rem 0.8rem; border-radius: 999px; border: 1px solid var(--line);
  background: var(--panel); color: var(--ink); font-size: 0.88rem;
}
.tabs a[aria-current="page"] { border-color: var(--state, var(--accent)); box-shadow: inset 0 -2px 0 var(--state, var(--accent)); }
.tabs a .n { color: var(--muted); margin-left: 0.3rem; font-variant-numeric: tabular-nums; }
.toolbar { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; margin: 0.75rem 0; }
.toolbar .grow { flex: 1; }
form.inline { display: inline; margin: 0; }
button, .button {
  font: inherit; font-size: 0.88rem; font-weight: 500; cursor: pointer;
  padding: 0.32rem 0.85rem; border-radius: 6px; border: 1px solid var(--line);
  background: var(--panel); color: var(--ink);
}
button:hover { border-color: var(--accent); }
button.primary { background: var(--accent); color: var(--accent-ink); border-color: var(--accent); }
button.danger { color: var(--dead); }
button.danger:hover { border-color: var(--dead); }
input[type="search"], input[type="text"], select {
  font: inherit; font-size: 0.9rem; padding: 0.32rem 0.6rem; border-radius: 6px;
  border: 1px solid var(--line); background: var(--panel); color: var(--ink); min-width: 16rem;
}
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 1rem; }
.stat { padding: 0.9rem 1.1rem; }
.stat .label { color: var(--muted); font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; }
.stat .value { font-size: 1.6rem; font-weight: 650; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.45rem 1.5rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
.job-grid { display: grid; grid-template-columns: minmax(17rem, 24rem) minmax(0, 1fr); gap: 1.25rem; align-items: start; margin-top: 1rem; }
@media (max-width: 800px) { .job-grid { grid-template-columns: 1fr; } }
.job-main h2:first-child { margin-top: 0; }
.attempt { margin: 0 0 0.9rem; }
.attempt h3 { font-size: 0.95rem; margin: 0 0 0.4rem; }
.attempt h3 .err { color: var(--failed); }
.empty { padding: 2rem; text-align: center; color: var(--muted); }
.notice {
  padding: 0.6rem 1rem; border-radius: 8px; margin: 0 0 1rem; border: 1px solid var(--line);
  background: var(--panel);
}
.notice.error { border-color: var(--dead); color: var(--dead); }
.pager { display: flex; justify-content: flex-end; padding: 0.6rem 0.9rem; gap: 0.5rem; }
.chart svg { display: block; width: 100%; height: auto; }
.chart .bar-done { fill: var(--done); } .chart .bar-failed { fill: var(--failed); } .chart .bar-cancelled { fill: var(--cancelled); }
.chart .axis { stroke: var(--line); } .chart text { fill: var(--muted); font-size: 10px; font-family: inherit; }
.legend { display: flex; gap: 1rem; color: var(--muted); font-size: 0.85rem; padding: 0 1.25rem 0.75rem; }
.legend i { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 2px; margin-right: 0.35rem; vertical-align: -1px; background: var(--state); }
progress { width: 12rem; height: 0.6rem; accent-color: var(--active); }
.live { display: inline-block; width: 0.5rem; height: 0.5rem; border-radius: 50%; background: var(--done); margin-right: 0.4rem; }
.muted { color: var(--muted); }
footer { color: var(--muted); font-size: 0.8rem; text-align: center; padding: 2rem 0; }
`;
