extension DashboardAsset {
    /// `common.js`: the token (session storage only), calls of the `/v1` API, a reader of
    /// `text/event-stream` over `fetch()`, and helpers that build the DOM with text only.
    static let commonScript = #"""
// JobCore dashboard: what every page shares. Data from the API reaches the page through
// textContent only (el() below), never as HTML.

const TOKEN_KEY = "jobcore.dashboard.token";
export const root = document.body.dataset.root || "";

/** The token of this tab, or null. It lives in sessionStorage only: never in a cookie, a URL or local storage. */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** An error answered by the API ({"error": {"code", "message"}}), or a network failure (status 0). */
export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function authorization() {
  const value = token();
  if (!value) throw new APIError(401, "unauthorized", "no access token yet");
  return { Authorization: `Bearer ${value}` };
}

async function failure(response) {
  let code = `http${response.status}`, message = `${response.status} ${response.statusText}`;
  try {
    const document = await response.json();
    if (document && document.error) ({ code, message } = document.error);
  } catch (_) { /* not the API's error document */ }
  const error = new APIError(response.status, code, message);
  if (response.status === 401) askForToken(`The server refused the token: ${message}`);
  return error;
}

/** Calls the API at `path` (below /v1) with the token; returns the JSON document or throws APIError. */
export async function api(path, { method = "GET", signal } = {}) {
  let response;
  try {
    response = await fetch(`${root}${path}`, {
      method, signal, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
      headers: { ...authorization(), Accept: "application/json" },
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new APIError(0, "network", `the server cannot be reached (${error.message})`);
  }
  if (!response.ok) throw await failure(response);
  return response.json();
}

/**
 * Parses text/event-stream (the WHATWG rules): lines end with CR, LF or CRLF; "field: value";
 * a line starting with ":" is a comment; a blank line dispatches the message gathered so far.
 */
export class EventStreamParser {
  constructor(onMessage) {
    this.onMessage = onMessage;
    this.buffer = "";
    this.data = [];
    this.type = "";
    this.idBuffer = null;
    this.lastEventId = null;
    this.retry = null;
  }

  push(text) {
    this.buffer += text;
    let start = 0;
    for (;;) {
      let end = start;
      while (end < this.buffer.length && this.buffer[end] !== "\n" && this.buffer[end] !== "\r") end++;
      if (end >= this.buffer.length) break;
      // A CR at the end of what arrived may be the first half of a CRLF: wait for more.
      if (this.buffer[end] === "\r" && end + 1 >= this.buffer.length) break;
      const line = this.buffer.slice(start, end);
      start = end + (this.buffer[end] === "\r" && this.buffer[end + 1] === "\n" ? 2 : 1);
      this.line(line);
    }
    this.buffer = this.buffer.slice(start);
  }

  line(line) {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.type = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.idBuffer = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retry = Number(value);
  }

  dispatch() {
    this.lastEventId = this.idBuffer;
    const data = this.data, type = this.type || "message";
    this.data = [];
    this.type = "";
    if (data.length === 0) return;
    this.onMessage({ type, data: data.join("\n"), id: this.lastEventId });
  }
}

/** Resolves after `ms` milliseconds, or at once when `signal` aborts. */
function pause(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/**
 * Follows a stream of the API (…/events/stream, …/logs/stream) with fetch() and the token
 * (EventSource cannot send a header). Every message but "end" goes to onMessage; after a drop
 * it reconnects with Last-Event-ID. Resolves with the data of "end" (the stream is complete),
 * or null when `signal` aborts; throws the API's refusal (4xx).
 */
export async function followStream(path, { onMessage, onStatus = () => {}, signal }) {
  let lastEventId = null, delay = 1000;
  while (!signal.aborted) {
    const connection = new AbortController();
    const stop = () => connection.abort();
    signal.addEventListener("abort", stop, { once: true });
    // A stream sends at least a comment every 15 s: a silent one is dead.
    let watchdog = null;
    const alive = () => { clearTimeout(watchdog); watchdog = setTimeout(stop, 45000); };
    let end = null;
    const parser = new EventStreamParser((message) => {
      if (message.type === "end") end = JSON.parse(message.data);
      else onMessage(message);
    });
    try {
      const headers = { ...authorization(), Accept: "text/event-stream" };
      if (lastEventId !== null) headers["Last-Event-ID"] = lastEventId;
      alive();
      const response = await fetch(`${root}${path}`, {
        headers, signal: connection.signal, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
      });
      if (!response.ok) {
        const error = await failure(response);
        if (response.status < 500) throw error;
        onStatus(`reconnecting (${error.message})`);
      } else {
        onStatus("live");
        delay = 1000;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          alive();
          parser.push(value);
          if (parser.lastEventId !== null) lastEventId = parser.lastEventId;
          if (end) {
            reader.cancel().catch(() => {});
            return end;
          }
        }
        onStatus("reconnecting");
      }
    } catch (error) {
      if (error instanceof APIError) throw error;
      if (signal.aborted) return null;
      onStatus("reconnecting");
    } finally {
      clearTimeout(watchdog);
      signal.removeEventListener("abort", stop);
    }
    if (parser.retry !== null) delay = parser.retry;
    await pause(delay, signal);
    delay = Math.min(delay * 2, 15000);
  }
  return null;
}

/** An element with attributes and children; strings become text nodes, never HTML. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Sets an element's text (or "–" for nothing). */
export function setText(id, value) {
  const element = document.getElementById(id);
  if (element) element.textContent = value === null || value === undefined || value === "" ? "–" : String(value);
}

/** Shows `message` in the element `id`, or hides it when message is empty. */
export function showMessage(id, message, kind = "error") {
  const element = document.getElementById(id);
  if (!element) return;
  element.textContent = message || "";
  element.hidden = !message;
  element.classList.toggle("error", kind === "error");
  element.classList.toggle("ok", kind === "ok");
}

/** A state badge. */
export function stateBadge(state) {
  return el("span", { class: `state state-${state}` }, state);
}

/** A duration in seconds, short: 42 s, 3 min, 2 h 5 min, 3 d. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60 ? `${s % 60} s` : ""}`.trim();
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** A time: "12:04:05" today, else the date too; the full ISO time as its title. */
export function time(iso) {
  if (!iso) return el("span", {}, "");
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  const text = today ? date.toLocaleTimeString() : date.toLocaleString();
  return el("time", { datetime: iso, title: iso }, text);
}

/** How long before `now` (milliseconds since the epoch) the time `iso` was: "12 s ago"; the full time as its title. */
export function ago(iso, now = Date.now()) {
  if (!iso) return el("span", {}, "");
  return el("time", { datetime: iso, title: iso }, `${duration((now - Date.parse(iso)) / 1000)} ago`);
}

/** A job's command (or its kind) as one line, quoted as a shell would need it. */
export function summary(job) {
  if (!job.command) return job.kind;
  const quote = (part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replaceAll("'", "'\\''")}'`);
  return job.command.map(quote).join(" ");
}

/** What the page does with the current token; aborted when the token goes. */
let session = null;

/** Shows the token form, with why. */
export function askForToken(reason = "") {
  if (session) session.abort();
  session = null;
  sessionStorage.removeItem(TOKEN_KEY);
  document.getElementById("token-panel").hidden = false;
  document.getElementById("token-state").hidden = true;
  document.getElementById("content").hidden = true;
  showMessage("token-error", reason);
  document.getElementById("token-input").focus();
}

/**
 * Starts a page: asks for a token when this tab has none, then runs `start` (again after a new
 * token is entered). "forget token" clears it.
 */
export function startPage(start) {
  const form = document.getElementById("token-form");
  const input = document.getElementById("token-input");
  const begin = () => {
    document.getElementById("token-panel").hidden = true;
    document.getElementById("token-state").hidden = false;
    document.getElementById("content").hidden = false;
    if (session) session.abort();
    session = new AbortController();
    start(session.signal);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = input.value.trim();
    input.value = "";
    if (!value.startsWith("jct_")) {
      showMessage("token-error", "An access token starts with jct_ (jobctl tokens create).");
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    showMessage("token-error", "");
    begin();
  });
  document.getElementById("forget-token").addEventListener("click", () => askForToken());
  if (token()) begin();
  else askForToken();
}
"""#
}
