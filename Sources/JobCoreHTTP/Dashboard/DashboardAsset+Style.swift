extension DashboardAsset {
    /// `style.css`: one style sheet for every page, light and dark, readable from 320 px wide.
    static let styleSheet = #"""
:root {
  --bg: #f6f7f9; --panel: #ffffff; --text: #1f2937; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb;
  --waiting: #7c3aed; --queued: #475569; --running: #0284c7; --succeeded: #15803d; --failed: #b91c1c; --cancelled: #b45309;
  --error-bg: #fef2f2; --ok-bg: #f0fdf4; --log-bg: #111827; --log-text: #e5e7eb;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0b1120; --panel: #111827; --text: #e5e7eb; --muted: #9ca3af; --line: #1f2937; --accent: #60a5fa;
    --waiting: #a78bfa; --queued: #94a3b8; --running: #38bdf8; --succeeded: #4ade80; --failed: #f87171; --cancelled: #fbbf24;
    --error-bg: #450a0a; --ok-bg: #052e16; --log-bg: #030712;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
}
a { color: var(--accent); }
code, pre, .log { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.9em; }
h1 { font-size: 1.35rem; margin: 0; overflow-wrap: anywhere; }
h2 { font-size: 1.05rem; margin: 0 0 0.5rem; }
[hidden] { display: none !important; }
.muted { color: var(--muted); font-size: 0.85rem; }

.top {
  display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.25rem; padding: 0.6rem 1rem;
  background: #1f2937; color: #f9fafb;
}
.top a { color: #f9fafb; text-decoration: none; }
.brand { display: inline-flex; align-items: center; gap: 0.4rem; font-weight: 600; }
.links { display: flex; gap: 1rem; }
.links a:hover { text-decoration: underline; }
.token-state { margin-left: auto; font-size: 0.85rem; color: #d1d5db; }
button.link { background: none; border: 0; padding: 0; color: #93c5fd; text-decoration: underline; cursor: pointer; font: inherit; }

main, .token-panel, .notice { max-width: 1280px; margin: 1rem auto; padding: 0 1rem; }
section, .token-panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin-bottom: 1rem; }
.token-panel { max-width: 40rem; }
.token-row { display: flex; gap: 0.5rem; margin: 0.3rem 0; }
.token-row input { flex: 1; min-width: 0; }
.hint { color: var(--muted); font-size: 0.85rem; }
.section-head { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; flex-wrap: wrap; }

input, button { font: inherit; }
input { padding: 0.35rem 0.5rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--text); }
button {
  padding: 0.4rem 0.9rem; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); color: var(--text);
  cursor: pointer; min-height: 2.25rem;
}
button:hover:not(:disabled) { border-color: var(--accent); }
button:disabled { opacity: 0.45; cursor: not-allowed; }
button[type="submit"] { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger:not(:disabled) { color: var(--failed); border-color: var(--failed); }

.error, .message.error { background: var(--error-bg); color: var(--failed); border-radius: 6px; padding: 0.5rem 0.75rem; }
.message.ok { background: var(--ok-bg); color: var(--succeeded); border-radius: 6px; padding: 0.5rem 0.75rem; }

.alerts { list-style: none; padding: 0; margin: 0 0 0.75rem; }
.alert { border-left: 4px solid var(--cancelled); background: var(--error-bg); padding: 0.4rem 0.75rem; margin-bottom: 0.4rem; border-radius: 4px; overflow-wrap: anywhere; }
.tiles { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 0.5rem; margin-bottom: 0.75rem; }
.tile {
  display: flex; flex-direction: column; align-items: flex-start; padding: 0.5rem 0.75rem; border: 1px solid var(--line);
  border-left: 4px solid currentColor; border-radius: 6px; text-decoration: none; background: var(--bg);
}
.tile.active { outline: 2px solid currentColor; }
.tile .count { font-size: 1.5rem; font-weight: 600; color: var(--text); }
.tile .label { font-size: 0.85rem; }
.tile.state-waiting { color: var(--waiting); } .tile.state-queued { color: var(--queued); } .tile.state-running { color: var(--running); }
.tile.state-succeeded { color: var(--succeeded); } .tile.state-failed { color: var(--failed); } .tile.state-cancelled { color: var(--cancelled); }
.facts { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; margin: 0 0 0.75rem; }
.facts dt { color: var(--muted); font-size: 0.8rem; }
.facts dd { margin: 0; font-weight: 600; }

.scroll { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { text-align: left; padding: 0.4rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { color: var(--muted); font-weight: 500; font-size: 0.85rem; }
.job-list td.what { max-width: 28rem; overflow-wrap: anywhere; }
.job-list tbody tr:hover { background: var(--bg); }

.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.5rem 1rem; margin-bottom: 0.75rem; }
.filters fieldset { border: 0; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; }
.filters legend { color: var(--muted); font-size: 0.85rem; padding: 0; margin-bottom: 0.2rem; }
.filters label { display: flex; flex-direction: column; font-size: 0.85rem; color: var(--muted); }
.filters label.check { flex-direction: row; align-items: center; gap: 0.25rem; color: var(--text); }
.filters input:not([type]) { width: 9rem; }
.filter-buttons { display: flex; align-items: center; gap: 0.75rem; }

.state {
  display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap;
}
.state-waiting { color: var(--waiting); } .state-queued { color: var(--queued); } .state-running { color: var(--running); }
.state-succeeded { color: var(--succeeded); } .state-failed { color: var(--failed); } .state-cancelled { color: var(--cancelled); }
.state-active { color: var(--succeeded); } .state-draining { color: var(--cancelled); } .state-gone { color: var(--muted); }

.worker-list td { overflow-wrap: anywhere; }
.worker-list tr[data-state="gone"] { color: var(--muted); }
.worker-list td.drain-cell { text-align: right; }
.chips { display: inline-flex; flex-wrap: wrap; gap: 0.25rem; }
.chip { display: inline-block; padding: 0 0.4rem; border: 1px solid var(--line); border-radius: 4px; font-size: 0.8rem; background: var(--bg); }
.workers .message, .workers .error { margin: 0 0 0.75rem; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0;
}

.crumbs { margin: 0 0 0.5rem; }
.job-head { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; margin-bottom: 0.75rem; }
.job-head .state { font-size: 1rem; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-bottom: 0.75rem; }
.job-grid { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 1rem; align-items: start; }
.record dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.3rem 1rem; margin: 0 0 1rem; }
.record dt { color: var(--muted); }
.record dd { margin: 0; overflow-wrap: anywhere; }
.log {
  background: var(--log-bg); color: var(--log-text); border-radius: 6px; padding: 0.75rem; margin: 0 0 1rem;
  min-height: 8rem; max-height: 28rem; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere;
}
.log .omitted { color: var(--muted); font-style: italic; }
.timeline { list-style: none; margin: 0; padding: 0 0 0 0.75rem; border-left: 2px solid var(--line); }
.event { position: relative; padding: 0.3rem 0 0.3rem 0.5rem; }
.event::before {
  content: ""; position: absolute; left: -1.2rem; top: 0.75rem; width: 0.6rem; height: 0.6rem; border-radius: 50%;
  background: var(--panel); border: 2px solid var(--muted);
}
.event-message { color: var(--muted); font-size: 0.9rem; overflow-wrap: anywhere; }

/* Phones: one column; the job and worker lists as cards, each cell labelled. */
@media (max-width: 760px) {
  main, .token-panel, .notice { padding: 0 0.5rem; margin: 0.5rem auto; }
  section { padding: 0.75rem; }
  .tiles { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  .job-grid { grid-template-columns: minmax(0, 1fr); }
  .token-state { margin-left: 0; }
  .job-list thead, .worker-list thead { display: none; }
  .job-list, .job-list tbody, .job-list tr, .job-list td,
  .worker-list, .worker-list tbody, .worker-list tr, .worker-list td { display: block; width: 100%; }
  .job-list tr, .worker-list tr { border: 1px solid var(--line); border-radius: 6px; margin-bottom: 0.5rem; padding: 0.25rem 0.5rem; }
  .job-list td, .worker-list td { border: 0; padding: 0.15rem 0; display: flex; gap: 0.5rem; }
  .job-list td::before, .worker-list td::before { content: attr(data-label); color: var(--muted); min-width: 5.5rem; font-size: 0.85rem; }
  .job-list td.what { max-width: none; }
  .job-list td:empty, .worker-list td:empty { display: none; }
  .worker-list td.drain-cell { justify-content: flex-end; padding-top: 0.3rem; }
  .worker-list td.drain-cell::before { content: none; }
  .record dl { grid-template-columns: minmax(0, 1fr); gap: 0 0; }
  .record dd { margin-bottom: 0.4rem; }
}
"""#
}
