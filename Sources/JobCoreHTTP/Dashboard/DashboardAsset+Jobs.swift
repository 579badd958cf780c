extension DashboardAsset {
    /// `jobs.js`: the list page: health, workers and jobs, refreshed every few seconds from
    /// `GET /v1/health`, `GET /v1/workers` (through `workers.js`) and `GET /v1/jobs` with the
    /// page's filters.
    static let jobsScript = #"""
// JobCore dashboard: queue health, the workers and the jobs, polled every few seconds.
import { api, el, setText, showMessage, stateBadge, duration, time, summary, startPage, root } from "./common.js";
import { fetchWorkers, renderWorkers } from "./workers.js";

const REFRESH_MS = 3000;
const STATES = ["waiting", "queued", "running", "succeeded", "failed", "cancelled"];
const ALERTS = { longRunning: "Long-running job", deepQueue: "Deep queue", workerGone: "Worker gone" };
const filters = new URLSearchParams(location.search);
const tbody = document.getElementById("jobs");
const more = document.getElementById("more");
let shown = 0, nextCursor = null, session = null;

/** The query of GET /v1/jobs: the page's filters, a page size and a cursor. */
function listQuery(limit, cursor) {
  const query = new URLSearchParams();
  for (const state of filters.getAll("state")) if (state) query.append("state", state);
  for (const name of ["key", "queue", "kind"]) {
    const value = filters.get(name);
    if (value) query.set(name, value);
  }
  query.set("limit", String(limit));
  if (cursor) query.set("cursor", cursor);
  return query;
}

function jobLink(id) {
  return el("a", { href: `${root}/jobs/${encodeURIComponent(id)}` }, id);
}

function row(job) {
  const attempt = job.maxAttempts ? `${job.attempt}/${job.maxAttempts}` : String(job.attempt);
  return el("tr", {},
    el("td", { "data-label": "Job" }, el("code", {}, jobLink(job.id))),
    el("td", { "data-label": "State" }, stateBadge(job.state),
      job.cancelRequested && job.state === "running" ? el("span", { class: "muted" }, " cancel requested") : null),
    el("td", { "data-label": "What", class: "what" }, el("code", {}, summary(job))),
    el("td", { "data-label": "Queue" }, job.queue),
    el("td", { "data-label": "Key" }, job.key || null),
    el("td", { "data-label": "Attempt" }, attempt),
    el("td", { "data-label": "Created" }, time(job.createdAt)),
    el("td", { "data-label": "Updated" }, time(job.updatedAt)));
}

function renderJobs(page, append) {
  if (!append) {
    tbody.replaceChildren();
    shown = 0;
  }
  for (const job of page.jobs) tbody.append(row(job));
  shown += page.jobs.length;
  nextCursor = page.nextCursor || null;
  more.hidden = !nextCursor;
  document.getElementById("jobs-empty").hidden = shown > 0;
  setText("jobs-updated", `updated ${new Date().toLocaleTimeString()}`);
}

function renderHealth(health) {
  for (const state of STATES) setText(`count-${state}`, health.counts[state] ?? 0);
  setText("fact-running", `${health.running} / ${health.capacity}`);
  const fleet = health.fleet;
  setText("fact-workers", fleet ? `${fleet.active} active · ${fleet.draining} draining · ${fleet.gone} gone` : health.workers);
  setText("fact-load", fleet ? `${fleet.load} / ${fleet.seats}` : null);
  setText("fact-due", health.due);
  setText("fact-oldest-running", duration(health.oldestRunningAgeSeconds));
  setText("fact-oldest-due", duration(health.oldestDueAgeSeconds));
  const alerts = health.alerts.map((alert) =>
    el("li", { class: `alert alert-${alert.kind}` },
      el("strong", {}, ALERTS[alert.kind] || alert.kind),
      " ", alert.message, alert.jobID ? [" ", jobLink(alert.jobID)] : null));
  document.getElementById("alerts").replaceChildren(...alerts);
  const queues = health.queues.map((queue) =>
    el("tr", {},
      el("th", { scope: "row" }, queue.name),
      el("td", {}, queue.waiting), el("td", {}, queue.queued), el("td", {}, queue.due), el("td", {}, queue.running),
      el("td", {}, duration(queue.oldestDueAgeSeconds) || "–")));
  document.getElementById("queues").replaceChildren(...queues);
  setText("health-updated", `updated ${new Date().toLocaleTimeString()}`);
}

async function refresh(signal) {
  if (document.hidden) return;
  try {
    const limit = Math.min(Math.max(shown, 50), 1000);
    const [health, page, workers] = await Promise.all([
      api("/v1/health", { signal }),
      api(`/v1/jobs?${listQuery(limit)}`, { signal }),
      fetchWorkers(signal),
    ]);
    if (signal.aborted) return;
    renderHealth(health);
    renderWorkers(workers, health.timestamp);
    renderJobs(page, false);
    showMessage("jobs-error", "");
  } catch (error) {
    if (error.name !== "AbortError") showMessage("jobs-error", error.message);
  }
}

more.addEventListener("click", async () => {
  if (!session || !nextCursor) return;
  more.disabled = true;
  try {
    renderJobs(await api(`/v1/jobs?${listQuery(50, nextCursor)}`, { signal: session }), true);
  } catch (error) {
    if (error.name !== "AbortError") showMessage("jobs-error", error.message);
  } finally {
    more.disabled = false;
  }
});

startPage((signal) => {
  session = signal;
  let timer = null;
  const loop = async () => {
    await refresh(signal);
    if (!signal.aborted) timer = setTimeout(loop, REFRESH_MS);
  };
  signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && !signal.aborted) refresh(signal);
  }, { signal });
  loop();
});
"""#
}
