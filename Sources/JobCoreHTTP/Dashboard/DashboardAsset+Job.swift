extension DashboardAsset {
    /// `job.js`: a job's page: its record and runs (`GET /v1/jobs/{id}`), the event timeline and
    /// the log as they happen (the two streams), and the buttons.
    static let jobScript = #"""
// JobCore dashboard: one job, live.
import { api, el, setText, showMessage, stateBadge, duration, time, summary, startPage, followStream, root } from "./common.js";

const id = document.getElementById("content").dataset.job;
const base = `/v1/jobs/${encodeURIComponent(id)}`;
const FINISHED = ["succeeded", "failed", "cancelled"];
const LOG_LIMIT = 2_000_000; // characters kept on the page; the start goes first
const logView = document.getElementById("log");
const buttons = [...document.querySelectorAll("#actions button")];
let session = null, refreshTimer = null, lastSequence = -1, logEnd = 0, logKept = 0, omitted = null;

function field(label, value) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) return [];
  return [el("dt", {}, label), el("dd", {}, value)];
}

function renderJob(job) {
  const badge = document.getElementById("job-state");
  badge.textContent = job.state;
  badge.className = `state state-${job.state}`;
  document.title = `Job ${job.id} (${job.state}) · JobCore`;
  const link = (other) => el("a", { href: `${root}/jobs/${encodeURIComponent(other)}` }, other);
  document.getElementById("record").replaceChildren(
    ...field("Command", job.command ? el("code", {}, summary(job)) : null),
    ...field("Kind", job.kind),
    ...field("Queue", job.queue),
    ...field("Key", job.key),
    ...field("Priority", job.priority),
    ...field("Attempt", `${job.attempt} of ${job.maxAttempts}`),
    ...field("Cancel requested", job.cancelRequested && !FINISHED.includes(job.state) ? "yes" : null),
    ...field("Repository", job.repository),
    ...field("Branch", job.branch),
    ...field("Created", time(job.createdAt)),
    ...field("Run at", time(job.runAt)),
    ...field("Started", job.startedAt ? time(job.startedAt) : null),
    ...field("Finished", job.finishedAt ? time(job.finishedAt) : null),
    ...field("Updated", time(job.updatedAt)),
    ...field("Timeout", duration(job.timeoutSeconds)),
    ...field("Worker", job.leaseHolder),
    ...field("Lease until", job.leaseExpiresAt ? time(job.leaseExpiresAt) : null),
    ...field("Exit code", job.exitCode),
    ...field(job.lastErrorIsEarlier ? "Earlier error" : "Error", job.lastError),
    ...field("Depends on", job.dependsOn ? job.dependsOn.flatMap((other, index) => (index ? [", ", link(other)] : [link(other)])) : null),
    ...field("Pending dependencies", job.pendingDependencies || null),
    ...field("Parent", job.parent ? link(job.parent) : null),
    ...field("Children", job.children ? Object.entries(job.children).map(([state, count]) => `${count} ${state}`).join(", ") : null),
    ...field("Idempotency key", job.idempotencyKey));
  const runs = (job.runs || []).map((run) => {
    const took = run.finishedAt ? duration((new Date(run.finishedAt) - new Date(run.startedAt)) / 1000) : "running";
    return el("tr", {},
      el("td", {}, run.attempt), el("td", {}, el("code", {}, run.workerID)), el("td", {}, time(run.startedAt)),
      el("td", {}, took), el("td", { title: run.error || "" }, run.outcome || "–"),
      el("td", {}, run.exitCode ?? "–"));
  });
  document.getElementById("runs").replaceChildren(...runs);
  document.getElementById("runs-empty").hidden = runs.length > 0;
  const allowed = {
    cancel: !FINISHED.includes(job.state) && !job.cancelRequested,
    kill: job.state === "running",
    retry: FINISHED.includes(job.state),
    purge: true,
  };
  for (const button of buttons) button.disabled = !allowed[button.dataset.action];
}

async function loadJob() {
  try {
    const job = await api(base, { signal: session });
    renderJob(job);
    return job;
  } catch (error) {
    if (error.name === "AbortError") return null;
    showMessage("action-message", error.status === 404 ? `No job ${id}: it does not exist, or was purged.` : error.message);
    return null;
  }
}

/** Reads the record again soon (once for a burst of events). */
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(loadJob, 150);
}

function appendEvent(event) {
  if (event.sequence <= lastSequence) return;
  lastSequence = event.sequence;
  document.getElementById("events").append(el("li", { class: `event event-${event.kind}` },
    time(event.at), " ", el("strong", {}, event.kind), " ", stateBadge(event.state),
    event.epoch !== null && event.epoch !== undefined ? el("span", { class: "muted" }, ` epoch ${event.epoch}`) : null,
    event.message ? el("div", { class: "event-message" }, event.message) : null));
}

const encoder = new TextEncoder(), decoder = new TextDecoder();

function appendLog({ offset, text }) {
  if (offset < logEnd) {
    // Already shown (a resumed stream repeats nothing, but be sure): keep the new bytes only.
    const bytes = encoder.encode(text);
    if (offset + bytes.length <= logEnd) return;
    text = decoder.decode(bytes.subarray(logEnd - offset));
  }
  logEnd = Math.max(logEnd, offset + encoder.encode(text).length);
  const atBottom = logView.scrollTop + logView.clientHeight >= logView.scrollHeight - 8;
  const added = document.createTextNode(text);
  logView.append(added);
  logKept += text.length;
  while (logKept > LOG_LIMIT) {
    const first = omitted ? omitted.nextSibling : logView.firstChild;
    if (!first || first === added) break;
    logKept -= first.textContent.length;
    first.remove();
    if (!omitted) {
      omitted = el("span", { class: "omitted" }, "(earlier output omitted)\n");
      logView.prepend(omitted);
    }
  }
  if (atBottom) logView.scrollTop = logView.scrollHeight;
}

async function follow(path, statusID, onMessage, signal) {
  try {
    const end = await followStream(path, { onMessage, signal, onStatus: (status) => setText(statusID, status) });
    if (end) setText(statusID, `complete (${end.state})`);
  } catch (error) {
    setText(statusID, `stopped: ${error.message}`);
  }
}

async function act(action) {
  if (action === "purge" && !confirm(`Purge job ${id} with its runs, events and logs? This cannot be undone.`)) return;
  for (const button of buttons) button.disabled = true;
  showMessage("action-message", "");
  try {
    const path = action === "purge" ? base : `${base}/${action}`;
    const result = await api(path, { method: action === "purge" ? "DELETE" : "POST" });
    if (action === "purge") {
      showMessage("action-message", `Job ${id} was purged.`, "ok");
      location.assign(`${root}/`);
      return;
    }
    renderJob(result);
    const requested = result.cancelRequested && result.state === "running" ? " (cancel requested: its worker stops it)" : "";
    showMessage("action-message", `${action}: the job is ${result.state}${requested}.`, "ok");
  } catch (error) {
    showMessage("action-message", `${action} refused: ${error.message}`);
    scheduleRefresh();
  }
}

for (const button of buttons) button.addEventListener("click", () => act(button.dataset.action));

startPage((signal) => {
  session = signal;
  lastSequence = -1;
  logEnd = 0;
  logKept = 0;
  omitted = null;
  logView.replaceChildren();
  document.getElementById("events").replaceChildren();
  showMessage("action-message", "");
  loadJob();
  follow(`${base}/logs/stream`, "log-status", (message) => {
    if (message.type === "log") appendLog(JSON.parse(message.data));
  }, signal);
  follow(`${base}/events/stream`, "events-status", (message) => {
    if (message.type !== "event") return;
    appendEvent(JSON.parse(message.data));
    scheduleRefresh();
  }, signal).then(() => { if (!signal.aborted) loadJob(); });
  // A safety net for what no event announces.
  const timer = setInterval(() => { if (!document.hidden) loadJob(); }, 10000);
  signal.addEventListener("abort", () => { clearInterval(timer); clearTimeout(refreshTimer); }, { once: true });
});
"""#
}
