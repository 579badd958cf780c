extension DashboardAsset {
    /// `workers.js`: the worker registry on the list page (`GET /v1/workers`), read with the
    /// page's polling, and a Drain button per active worker (`POST /v1/workers/{id}/drain`).
    static let workersScript = #"""
// JobCore dashboard: the workers of the store, each with a Drain button while it is active.
import { api, el, setText, showMessage, stateBadge, ago } from "./common.js";

const ORDER = { active: 0, draining: 1, gone: 2 };
const tbody = document.getElementById("workers");
// Worker id → { row, button, worker }. Rows and buttons are kept across refreshes (their cells
// are rebuilt), so a button being pressed while the list refreshes is still the same button.
const rows = new Map();
// Ids whose drain is on its way: their buttons stay disabled until the answer.
const pending = new Set();
// Bumped by every drain: a list asked for before it is older than the drain's answer.
let generation = 0;
// The server's clock minus the browser's (from GET /v1/health), for "last seen … ago".
let skew = 0;

/** Reads the registry; never throws: resolves with { generation, workers } or { error }. */
export async function fetchWorkers(signal) {
  const asked = generation;
  try {
    return { generation: asked, workers: await api("/v1/workers", { signal }) };
  } catch (error) {
    return { generation: asked, error };
  }
}

/** Shows what fetchWorkers read; `serverTime` (ISO) is the server's clock when it answered. */
export function renderWorkers(result, serverTime) {
  if (result.error) {
    if (result.error.name !== "AbortError") showMessage("workers-error", `The workers cannot be read: ${result.error.message}`);
    return;
  }
  if (result.generation !== generation) return; // a drain answered since: its record is newer
  const serverNow = Date.parse(serverTime);
  if (!Number.isNaN(serverNow)) skew = serverNow - Date.now();
  const workers = [...result.workers].sort((a, b) =>
    (ORDER[a.state] ?? 3) - (ORDER[b.state] ?? 3) || a.host.localeCompare(b.host) || a.id.localeCompare(b.id));
  const listed = new Set(workers.map((worker) => worker.id));
  for (const id of rows.keys()) if (!listed.has(id)) rows.delete(id);
  tbody.replaceChildren(...workers.map((worker) => fill(entry(worker.id), worker).row));
  document.getElementById("workers-empty").hidden = workers.length > 0;
  showMessage("workers-error", "");
  setText("workers-updated", `updated ${new Date().toLocaleTimeString()}`);
}

function entry(id) {
  let found = rows.get(id);
  if (!found) {
    const button = el("button", {
      type: "button", class: "drain", "data-worker": id,
      title: "Stop claiming at its next heartbeat, finish its running jobs, then exit (needs an operate token).",
    }, "Drain");
    found = { row: el("tr", { "data-worker": id }), button, worker: null };
    button.addEventListener("click", () => drain(found));
    rows.set(id, found);
  }
  return found;
}

/** Small boxes for a list of names; nothing for an empty list (an empty cell is hidden on a phone). */
function chips(values) {
  return values.length ? el("span", { class: "chips" }, values.map((value) => el("span", { class: "chip" }, value))) : null;
}

function fill(found, worker) {
  found.worker = worker;
  const { row, button } = found;
  row.dataset.state = worker.state;
  button.disabled = worker.state !== "active" || pending.has(worker.id);
  row.replaceChildren(
    el("td", { "data-label": "Worker" }, el("code", {}, worker.id), el("div", { class: "muted" }, `JobCore ${worker.version}`)),
    el("td", { "data-label": "State" }, stateBadge(worker.state)),
    el("td", { "data-label": "Host" }, worker.host || "?", el("span", { class: "muted" }, ` pid ${worker.pid}`)),
    el("td", { "data-label": "Queue" }, worker.queue),
    el("td", { "data-label": "Load / seats" }, `${worker.load} / ${worker.seats}`),
    el("td", { "data-label": "Capabilities" }, chips(worker.capabilities || [])),
    el("td", { "data-label": "Labels" },
      chips(Object.entries(worker.labels || {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => `${name}=${value}`))),
    el("td", { "data-label": "Last seen" }, ago(worker.lastSeenAt, Date.now() + skew)),
    el("td", { class: "drain-cell" }, button));
  return found;
}

async function drain(found) {
  const id = found.worker.id;
  pending.add(id);
  found.button.disabled = true;
  showMessage("workers-message", "");
  try {
    const worker = await api(`/v1/workers/${encodeURIComponent(id)}/drain`, { method: "POST" });
    generation += 1;
    pending.delete(id);
    if (rows.get(id) === found) fill(found, worker);
    const jobs = worker.load === 1 ? "1 running job" : `${worker.load} running jobs`;
    showMessage("workers-message",
      `Worker ${id} is ${worker.state}: it stops claiming at its next heartbeat, finishes its ${jobs} and exits.`, "ok");
  } catch (error) {
    pending.delete(id);
    found.button.disabled = found.worker.state !== "active";
    if (error.name !== "AbortError") showMessage("workers-message", `Drain of ${id} refused: ${error.message}`);
  }
}
"""#
}
