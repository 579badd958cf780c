#!/usr/bin/env python3
"""The JobCore dashboard in a real browser: headless Chromium driven by selenium (PyPI) through
chromedriver (the Debian packages chromium and chromium-driver; scripts/bootstrap installs all
three), against a live `jobctl serve --with-worker`.

It enters the token in the form, sees the jobs, the health and the workers (as the API lists
them), opens the running job's page, sees its log grow line after line, presses Cancel, sees the
job become cancelled, and checks that the job's process is gone. At the end, back on the list,
it presses a worker's Drain with a read token (refused, the API's message shown), then with the
operate token (the worker becomes draining, then gone once it has stopped). It never sleeps to
wait: every wait is a WebDriverWait on a condition (the process check is a bounded poll of
os.kill(pid, 0)). With --screenshots DIR it saves dashboard.png (the list), dashboard-job.png
(the job) and dashboard-phone.png in DIR.

Run by DashboardBrowserExclusiveTests (Tests/jobctlTests); by hand:
    python3 Tests/Browser/dashboard_test.py --url http://127.0.0.1:8080 --token jct_… \
        --job JOB_ID --pid-file FILE --expect-states succeeded,failed,running \
        --worker-pid SERVE_PID --worker-seats 4 [--read-token jct_… --drain-queue spare]
Exit status 0 when everything held; otherwise 1 with what did not.
"""

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request

TIMEOUT = 30  # seconds for any one condition
STEP = re.compile(r"^step (\d+)$", re.MULTILINE)


def fail(message):
    sys.exit(f"dashboard test: {message}")


def find_program(names, extra=()):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    for path in extra:
        if os.access(path, os.X_OK):
            return path
    return None


def wait_for_server(url):
    """The server answers (bounded: it may still be starting)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"{url}/dashboard/style.css", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError) as error:
            if time.monotonic() > deadline:
                fail(f"the server at {url} does not answer: {error}")
        time.sleep(0.1)


def make_driver(webdriver, Service, chromium, chromedriver, profile):
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,860", "--hide-scrollbars", "--force-device-scale-factor=1",
                     f"--user-data-dir={profile}", "--lang=en-GB"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))


def screenshot(driver, path, width, mobile=False, height=None, scroll_to=None):
    """The whole page (up to 1600 px high) at `width`; or `height` px of it from the element `scroll_to`."""
    metrics = {"width": width, "height": height or 860, "deviceScaleFactor": 2 if mobile else 1, "mobile": mobile}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    if not height:
        metrics["height"] = min(driver.execute_script("return document.documentElement.scrollHeight;"), 1600)
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    if scroll_to:
        driver.execute_script("document.getElementById(arguments[0]).scrollIntoView();", scroll_to)
    driver.save_screenshot(path)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.execute_script("window.scrollTo(0, 0);")


# In the page: the text/event-stream parser on awkward chunks, and a stream that drops after its
# first message and is resumed with Last-Event-ID (window.fetch stubbed for the call).
STREAM_READER_CHECK = r"""
const done = arguments[arguments.length - 1];
(async () => {
  const { EventStreamParser, followStream } = await import(`${document.body.dataset.root}/dashboard/common.js`);
  const parsed = [];
  const parser = new EventStreamParser((message) => parsed.push(message));
  for (const chunk of [": keep-alive\r", "\nid: 7\r\nevent: log\ndata: {\"a\":", "1}\n\n", "data: one\ndata:two\r\r",
                       "id: 9\n\n", "retry: 250\nevent: end\ndata: {}\n", "\n"]) parser.push(chunk);
  const calls = [], realFetch = window.fetch;
  window.fetch = async (url, init) => {
    calls.push({ url, lastEventId: init.headers["Last-Event-ID"] ?? null, bearer: init.headers.Authorization.startsWith("Bearer jct_") });
    const body = calls.length === 1
      ? "id: 5\nevent: log\ndata: {\"n\": 1}\n\n"
      : "id: 6\nevent: log\ndata: {\"n\": 2}\n\nevent: end\ndata: {\"state\": \"succeeded\"}\n\n";
    return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
  };
  try {
    const messages = [];
    const end = await followStream("/v1/jobs/X/logs/stream", { onMessage: (m) => messages.push(m), signal: new AbortController().signal });
    return { parsed, lastEventId: parser.lastEventId, retry: parser.retry, calls, messages, end };
  } finally {
    window.fetch = realFetch;
  }
})().then(done, (error) => done({ error: String(error) }));
"""


# In the page: for one poll, the health document carries a workerGone alert (whose message holds
# markup, to be shown as text); every other request goes to the server unchanged.
GONE_ALERT = "worker w-<b>9</b> on host-z is gone (last seen 42 s ago) with 1 running job leased to it"
STUB_WORKER_GONE = r"""
const message = arguments[0];
window.realFetch = window.realFetch || window.fetch;
window.fetch = async (url, init) => {
  const response = await window.realFetch(url, init);
  if (!String(url).endsWith("/v1/health") || !response.ok) return response;
  const health = await response.json();
  health.alerts.push({ kind: "workerGone", message });
  return new Response(JSON.stringify(health), { status: 200, headers: { "Content-Type": "application/json" } });
};
"""

# In the page: the worker rows as shown (the cells by their labels).
WORKER_ROWS = r"""
return [...document.querySelectorAll("#workers tr[data-worker]")].map((row) => ({
  id: row.dataset.worker,
  state: row.querySelector(".state") ? row.querySelector(".state").textContent : null,
  cells: Object.fromEntries([...row.cells].filter((cell) => cell.dataset.label).map((cell) => [cell.dataset.label, cell.textContent])),
  chips: [...row.querySelectorAll(".chip")].map((chip) => chip.textContent),
  drainEnabled: !!row.querySelector("button.drain") && !row.querySelector("button.drain").disabled,
}));
"""

# In the page: records every state the row of one worker shows, from now on.
RECORD_WORKER_STATES = r"""
const id = arguments[0];
window.seenWorkerStates = [];
const record = () => {
  const row = [...document.querySelectorAll("#workers tr[data-worker]")].find((r) => r.dataset.worker === id);
  const badge = row && row.querySelector(".state");
  if (badge && window.seenWorkerStates[window.seenWorkerStates.length - 1] !== badge.textContent) {
    window.seenWorkerStates.push(badge.textContent);
  }
};
record();
new MutationObserver(record).observe(document.getElementById("workers"),
  { subtree: true, childList: true, characterData: true, attributes: true });
"""


def api_workers(url, token):
    """GET /v1/workers, by id: what the page must show."""
    request = urllib.request.Request(f"{url}/v1/workers", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return {worker["id"]: worker for worker in json.load(response)}


def check_stream_reader(driver):
    result = driver.execute_async_script(STREAM_READER_CHECK)
    expected_parsed = [
        {"type": "log", "data": '{"a":1}', "id": "7"},
        {"type": "message", "data": "one\ntwo", "id": "7"},
        {"type": "end", "data": "{}", "id": "9"},
    ]
    if result.get("parsed") != expected_parsed or result.get("lastEventId") != "9" or result.get("retry") != 250:
        fail(f"the event-stream parser read {json.dumps(result)}")
    calls = result["calls"]
    if [call["lastEventId"] for call in calls] != [None, "5"] or not all(call["bearer"] for call in calls):
        fail(f"a dropped stream was not resumed with Last-Event-ID and the token: {calls}")
    if [json.loads(m["data"])["n"] for m in result["messages"]] != [1, 2] or result["end"] != {"state": "succeeded"}:
        fail(f"the resumed stream delivered {result['messages']} and ended with {result['end']}")


def run(driver, args, By, wait, screenshots):
    url = args.url.rstrip("/")
    text = lambda element_id: driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.textContent : null;", element_id)
    visible = lambda element_id: driver.execute_script(
        "const e = document.getElementById(arguments[0]); return !!e && e.offsetParent !== null;", element_id)

    # The list page asks for a token, once.
    driver.get(f"{url}/")
    wait(lambda d: visible("token-input"), "the token form is shown")
    if visible("content"):
        fail("the page shows its content before a token was given")
    driver.find_element(By.ID, "token-input").send_keys(args.token)
    driver.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]").click()
    wait(lambda d: visible("content") and not visible("token-panel"), "the page opens after the token")
    stored = driver.execute_script(
        "return [sessionStorage.getItem('jobcore.dashboard.token'), localStorage.length, document.cookie, location.href];")
    if stored[0] != args.token:
        fail("the token is not in the tab's session storage")
    if stored[1] != 0 or stored[2] != "" or args.token in stored[3]:
        fail(f"the token went somewhere else than session storage: localStorage {stored[1]}, cookie {stored[2]!r}, URL {stored[3]}")

    # Health and jobs arrive from the API.
    expected = [state for state in args.expect_states.split(",") if state]
    def listed_states(d):
        return d.execute_script(
            "return [...document.querySelectorAll('#jobs .state')].map(e => e.textContent);")
    wait(lambda d: all(state in listed_states(d) for state in expected),
         f"the list shows jobs {', '.join(expected)}", lambda d: f"shown: {listed_states(d)}")
    wait(lambda d: text("count-running") == "1", "health counts one running job", lambda d: text("count-running"))
    wait(lambda d: args.job in (text("jobs") or ""), "the list shows the running job")

    # The workers, as GET /v1/workers lists them: the server's own (--with-worker) and the spare.
    worker_rows = lambda d: d.execute_script(WORKER_ROWS)
    row_of = lambda d, predicate: next((row for row in worker_rows(d) if predicate(row)), None)
    serve_worker = lambda row: row["cells"].get("Host", "").endswith(f" pid {args.worker_pid}")
    spare_worker = lambda row: row["cells"].get("Queue") == args.drain_queue
    wait(lambda d: (row_of(d, serve_worker) or {}).get("state") == "active"
         and (not args.drain_queue or (row_of(d, spare_worker) or {}).get("state") == "active"),
         "the workers section shows the server's worker active", worker_rows)
    registry = api_workers(url, args.token)
    for row in worker_rows(driver):
        worker = registry.get(row["id"])
        if worker is None:
            fail(f"the page shows a worker the API does not list: {row}")
        expected = {"state": worker["state"], "Host": f"{worker['host'] or '?'} pid {worker['pid']}", "Queue": worker["queue"],
                    "seats": worker["seats"], "chips": worker["capabilities"] + [f"{k}={v}" for k, v in sorted(worker["labels"].items())],
                    "drainEnabled": worker["state"] == "active"}
        load_seats = re.fullmatch(r"(\d+) / (\d+)", row["cells"].get("Load / seats", ""))
        shown = {"state": row["state"], "Host": row["cells"].get("Host"), "Queue": row["cells"].get("Queue"),
                 "seats": int(load_seats.group(2)) if load_seats else None, "chips": row["chips"], "drainEnabled": row["drainEnabled"]}
        if shown != expected:
            fail(f"worker {row['id']}: the page shows {shown}, the API says {expected}")
        if not re.fullmatch(r"\d.* ago", row["cells"].get("Last seen", "")):
            fail(f"worker {row['id']} was last seen {row['cells'].get('Last seen')!r}")
    if args.worker_seats and row_of(driver, serve_worker)["cells"]["Load / seats"].split(" / ")[1] != str(args.worker_seats):
        fail(f"the server's worker shows {row_of(driver, serve_worker)['cells']['Load / seats']}, not {args.worker_seats} seats")
    active = [worker for worker in registry.values() if worker["state"] == "active"]
    seats = sum(worker["seats"] for worker in active)
    wait(lambda d: (text("fact-workers") or "").startswith(f"{len(active)} active ·") and (text("fact-load") or "").endswith(f" / {seats}"),
         f"the health shows {len(active)} active workers with {seats} seats", lambda d: (text("fact-workers"), text("fact-load")))
    if screenshots:
        screenshot(driver, os.path.join(screenshots, "dashboard.png"), 1280)

    # A workerGone alert of the health is shown like the others, as text.
    driver.execute_script(STUB_WORKER_GONE, GONE_ALERT)
    gone_alerts = lambda d: d.execute_script(
        "return [...document.querySelectorAll('#alerts li.alert-workerGone')].map((li) => [li.textContent, li.querySelectorAll('b').length]);")
    wait(lambda d: gone_alerts(d) == [[f"Worker gone {GONE_ALERT}", 0]], "a workerGone alert is shown, as text", gone_alerts)
    driver.execute_script("window.fetch = window.realFetch;")
    wait(lambda d: gone_alerts(d) == [], "the alert goes with the next health", gone_alerts)

    check_stream_reader(driver)

    # Readable on a phone: nothing wider than a 375 px screen.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True})
    widths = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth];")
    if widths[0] > widths[1]:
        fail(f"the list is {widths[0]} px wide on a 375 px screen (it scrolls sideways)")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    if screenshots:
        screenshot(driver, os.path.join(screenshots, "dashboard-phone.png"), 375, mobile=True, height=812, scroll_to="workers-title")

    # The job's page, from its link; the token is remembered by the tab.
    driver.find_element(By.CSS_SELECTOR, f"#jobs a[href$='/jobs/{args.job}']").click()
    wait(lambda d: d.current_url.endswith(f"/jobs/{args.job}"), "the job's page opens")
    wait(lambda d: visible("content") and text("job-state") == "running", "the job's page shows it running",
         lambda d: text("job-state"))

    # Its log grows, line after line, in order.
    def steps(d):
        return [int(n) for n in STEP.findall(text("log") or "")]
    wait(lambda d: len(steps(d)) >= 2, "the log shows two lines", lambda d: repr((text("log") or "")[-200:]))
    seen = len(steps(driver))
    wait(lambda d: len(steps(d)) > seen, f"the log grows past {seen} lines", lambda d: repr((text("log") or "")[-200:]))
    shown = steps(driver)
    if shown != list(range(1, len(shown) + 1)):
        fail(f"the log's lines are not each line once, in order: {shown}")
    wait(lambda d: text("log-status") == "live" and text("events-status") == "live", "both streams are live",
         lambda d: (text("log-status"), text("events-status")))
    wait(lambda d: "claimed" in (text("events") or ""), "the event timeline shows the claim")
    if screenshots:
        # A few more lines for the picture, then the job's page.
        target = len(steps(driver)) + 8
        wait(lambda d: len(steps(d)) >= target, "the log grows for the screenshot")
        screenshot(driver, os.path.join(screenshots, "dashboard-job.png"), 1280)

    # Cancel: the job becomes cancelled, its streams end, its process is gone.
    driver.find_element(By.CSS_SELECTOR, "#actions button[data-action=cancel]").click()
    wait(lambda d: text("job-state") == "cancelled", "the job's page shows it cancelled",
         lambda d: f"state {text('job-state')!r}, message {text('action-message')!r}")
    wait(lambda d: "cancelled" in (text("events") or ""), "the event timeline shows the cancellation")
    wait(lambda d: (text("log-status") or "").startswith("complete") and (text("events-status") or "").startswith("complete"),
         "both streams end", lambda d: (text("log-status"), text("events-status")))
    buttons = driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#actions button')].map(b => [b.dataset.action, !b.disabled]));")
    if buttons != {"cancel": False, "kill": False, "retry": True, "purge": True}:
        fail(f"a cancelled job's buttons: {buttons}")
    with open(args.pid_file) as handle:
        pid = int(handle.read().strip())
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if time.monotonic() > deadline:
            fail(f"the cancelled job's process {pid} is still there")
        time.sleep(0.05)

    # A button the token's scope does not allow shows the API's message (read tokens only).
    if args.read_token:
        driver.execute_script("sessionStorage.setItem('jobcore.dashboard.token', arguments[0]);", args.read_token)
        driver.refresh()
        wait(lambda d: text("job-state") == "cancelled", "the job's page opens with the read token")
        driver.find_element(By.CSS_SELECTOR, "#actions button[data-action=retry]").click()
        wait(lambda d: "operate" in (text("action-message") or ""), "a read token's retry shows the API's refusal",
             lambda d: text("action-message"))
        if text("job-state") != "cancelled":
            fail("a refused retry changed the page's state")

    # Drain, last (the worker stops for good): refused for a read token, done with the operate one.
    if args.drain_queue:
        driver.get(f"{url}/")
        wait(lambda d: (row_of(d, spare_worker) or {}).get("drainEnabled"), "the list shows the spare worker's Drain button",
             worker_rows)
        spare = row_of(driver, spare_worker)["id"]
        drain_button = lambda: driver.execute_script(
            "return [...document.querySelectorAll('#workers button.drain')].find((b) => b.dataset.worker === arguments[0]);", spare)
        if args.read_token:
            drain_button().click()
            wait(lambda d: "operate" in (text("workers-message") or ""), "a read token's Drain shows the API's refusal",
                 lambda d: text("workers-message"))
            wait(lambda d: (row_of(d, spare_worker) or {}).get("drainEnabled"), "a refused Drain can be pressed again", worker_rows)
            if row_of(driver, spare_worker)["state"] != "active":
                fail(f"a refused drain changed the worker: {row_of(driver, spare_worker)}")
            driver.execute_script("sessionStorage.setItem('jobcore.dashboard.token', arguments[0]);", args.token)
            driver.refresh()
            wait(lambda d: (row_of(d, spare_worker) or {}).get("drainEnabled"), "the list opens with the operate token", worker_rows)
        driver.execute_script(RECORD_WORKER_STATES, spare)
        drain_button().click()
        seen = lambda d: d.execute_script("return window.seenWorkerStates;")
        wait(lambda d: "draining" in seen(d), "the drained worker's row becomes draining",
             lambda d: (seen(d), text("workers-message")))
        message = driver.execute_script(
            "const e = document.getElementById('workers-message'); return [e.textContent, e.classList.contains('ok')];")
        if f"Worker {spare} is draining" not in message[0] or not message[1]:
            fail(f"a drain's message: {message}")
        # It stops claiming at its next heartbeat, has nothing to finish, and leaves the registry.
        wait(lambda d: (row_of(d, spare_worker) or {}).get("state") == "gone", "the drained worker stops: its row becomes gone",
             lambda d: (seen(d), row_of(d, spare_worker)))
        after = seen(driver)[seen(driver).index("draining"):]
        if "active" in after or row_of(driver, spare_worker)["drainEnabled"]:
            fail(f"the drained worker's row went back to active, or can be drained again: {seen(driver)}")
        wait(lambda d: (text("fact-workers") or "").endswith("· 1 gone"), "the health counts the gone worker",
             lambda d: text("fact-workers"))

    # Forget the token: the form comes back, the storage is empty.
    driver.find_element(By.ID, "forget-token").click()
    wait(lambda d: visible("token-panel") and not visible("content"), "forget token shows the form again")
    if driver.execute_script("return sessionStorage.length") != 0:
        fail("forget token left something in session storage")

    # Nothing the page did was refused by its Content-Security-Policy, and no script failed.
    problems = [entry["message"] for entry in driver.get_log("browser")
                if "Content Security Policy" in entry["message"] or "Uncaught" in entry["message"]]
    if problems:
        fail("the browser reported:\n" + "\n".join(problems))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the server, such as http://127.0.0.1:8080")
    parser.add_argument("--token", required=True, help="an operate or admin token")
    parser.add_argument("--read-token", help="a read token, to see a refused button")
    parser.add_argument("--job", required=True, help="a running job that prints 'step N' lines and never ends")
    parser.add_argument("--pid-file", required=True, help="where the job wrote its pid")
    parser.add_argument("--expect-states", default="running", help="states the list must show, comma-separated")
    parser.add_argument("--worker-pid", type=int, required=True, help="the pid of jobctl serve --with-worker, whose worker must be listed")
    parser.add_argument("--worker-seats", type=int, help="the seats of that worker (--concurrency)")
    parser.add_argument("--drain-queue", help="the queue of an idle worker to drain at the end (it stops for good)")
    parser.add_argument("--screenshots", help="a directory to save the screenshots in")
    args = parser.parse_args()

    try:
        from selenium import webdriver
        from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        fail("selenium is not installed for this python3 (pip install selenium): run scripts/bootstrap")
    chromium = find_program(["chromium", "chromium-browser", "google-chrome"])
    chromedriver = find_program(["chromedriver"], ["/usr/lib/chromium/chromedriver"])
    if not chromium or not chromedriver:
        fail(f"headless Chromium is needed (chromium: {chromium or 'missing'}, chromedriver: {chromedriver or 'missing'}): "
             "run scripts/bootstrap (Debian packages chromium and chromium-driver)")

    wait_for_server(args.url.rstrip("/"))
    with tempfile.TemporaryDirectory(prefix="jobcore-chromium") as profile:
        try:
            driver = make_driver(webdriver, Service, chromium, chromedriver, profile)
        except WebDriverException as error:
            fail(f"cannot start headless Chromium: {error.msg}")
        try:
            def wait(condition, what, detail=None):
                try:
                    WebDriverWait(driver, TIMEOUT, poll_frequency=0.1,
                                  ignored_exceptions=[StaleElementReferenceException]).until(condition)
                except TimeoutException:
                    seen = f" (last seen: {detail(driver)})" if detail else ""
                    fail(f"not within {TIMEOUT} s: {what}{seen}")
            run(driver, args, By, wait, args.screenshots)
        finally:
            driver.quit()
    print("dashboard test: ok")


if __name__ == "__main__":
    main()
