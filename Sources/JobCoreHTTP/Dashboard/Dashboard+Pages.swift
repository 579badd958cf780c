import JobCore

extension Dashboard {
    /// The filters of the job list as the page's address gives them (`?state=running&key=…`),
    /// shown checked and filled in the page's form.
    struct Filters {
        var states: Set<String> = []
        var key = ""
        var queue = ""
        var kind = ""

        init(query: [(name: String, value: String)]) {
            for (name, value) in query {
                switch name {
                case "state": states.formUnion(value.split(separator: ",").map(String.init))
                case "key": key = value
                case "queue": queue = value
                case "kind": kind = value
                default: break
                }
            }
        }
    }

    /// The list page: health tiles and alerts, the queues, the workers, the jobs with their
    /// filters. The numbers and the rows are filled by `jobs.js` (the workers by `workers.js`).
    static func jobsPage(root: String, filters: Filters) -> String {
        let r = escape(root)
        let tiles = JobState.allCases.map { state in
            let active = filters.states.contains(state.rawValue) ? " active" : ""
            return """
                  <a class="tile state-\(state.rawValue)\(active)" href="\(r)/?state=\(state.rawValue)">\
            <span class="count" id="count-\(state.rawValue)">–</span><span class="label">\(state.rawValue)</span></a>
            """
        }.joined(separator: "\n")
        let stateBoxes = JobState.allCases.map { state in
            let checked = filters.states.contains(state.rawValue) ? " checked" : ""
            return """
                    <label class="check"><input type="checkbox" name="state" value="\(state.rawValue)"\(checked)> \(state.rawValue)</label>
            """
        }.joined(separator: "\n")
        let main = """
            <main id="content" hidden>
              <section class="health" aria-labelledby="health-title">
                <div class="section-head"><h2 id="health-title">Queue health</h2><span class="muted" id="health-updated"></span></div>
                <ul class="alerts" id="alerts"></ul>
                <nav class="tiles" aria-label="Jobs by state">
            \(tiles)
                </nav>
                <dl class="facts">
                  <div><dt>Running / capacity</dt><dd id="fact-running">–</dd></div>
                  <div><dt>Workers</dt><dd id="fact-workers">–</dd></div>
                  <div><dt>Load / seats</dt><dd id="fact-load">–</dd></div>
                  <div><dt>Due now</dt><dd id="fact-due">–</dd></div>
                  <div><dt>Oldest running</dt><dd id="fact-oldest-running">–</dd></div>
                  <div><dt>Oldest due</dt><dd id="fact-oldest-due">–</dd></div>
                </dl>
                <div class="scroll">
                  <table class="queues">
                    <caption>Queues</caption>
                    <thead><tr><th scope="col">Queue</th><th scope="col">Waiting</th><th scope="col">Queued</th><th scope="col">Due</th><th scope="col">Running</th><th scope="col">Oldest due</th></tr></thead>
                    <tbody id="queues"></tbody>
                  </table>
                </div>
              </section>
              <section class="workers" aria-labelledby="workers-title">
                <div class="section-head"><h2 id="workers-title">Workers</h2><span class="muted" id="workers-updated"></span></div>
                <p class="error" id="workers-error" role="alert" hidden></p>
                <p class="message" id="workers-message" role="status" hidden></p>
                <table class="worker-list">
                  <thead><tr><th scope="col">Worker</th><th scope="col">State</th><th scope="col">Host</th><th scope="col">Queue</th><th scope="col">Load / seats</th><th scope="col">Capabilities</th><th scope="col">Labels</th><th scope="col">Last seen</th><th scope="col"><span class="visually-hidden">Drain</span></th></tr></thead>
                  <tbody id="workers"></tbody>
                </table>
                <p class="muted" id="workers-empty" hidden>No worker has announced itself to this store.</p>
              </section>
              <section class="jobs" aria-labelledby="jobs-title">
                <div class="section-head"><h2 id="jobs-title">Jobs</h2><span class="muted" id="jobs-updated"></span></div>
                <form class="filters" id="filters" method="get" action="\(r)/">
                  <fieldset class="states">
                    <legend>State</legend>
            \(stateBoxes)
                  </fieldset>
                  <label>Key <input name="key" value="\(escape(filters.key))" autocomplete="off"></label>
                  <label>Queue <input name="queue" value="\(escape(filters.queue))" autocomplete="off"></label>
                  <label>Kind <input name="kind" value="\(escape(filters.kind))" autocomplete="off"></label>
                  <div class="filter-buttons"><button type="submit">Filter</button> <a href="\(r)/">Clear</a></div>
                </form>
                <p class="error" id="jobs-error" role="alert" hidden></p>
                <table class="job-list">
                  <thead><tr><th scope="col">Job</th><th scope="col">State</th><th scope="col">What</th><th scope="col">Queue</th><th scope="col">Key</th><th scope="col">Attempt</th><th scope="col">Created</th><th scope="col">Updated</th></tr></thead>
                  <tbody id="jobs"></tbody>
                </table>
                <p class="muted" id="jobs-empty" hidden>No jobs match these filters.</p>
                <button type="button" id="more" hidden>Load more</button>
              </section>
            </main>
            """
        return layout(title: "Jobs", root: root, script: "jobs.js", page: "jobs", main: main)
    }

    /// A job's page: its record, the buttons, the live log, the event timeline and the runs,
    /// filled and kept up to date by `job.js`.
    static func jobPage(root: String, id: String) -> String {
        let r = escape(root)
        let main = """
            <main id="content" hidden data-job="\(escape(id))">
              <p class="crumbs"><a href="\(r)/">← All jobs</a></p>
              <div class="job-head">
                <h1>Job <code id="job-id">\(escape(id))</code></h1>
                <span class="state" id="job-state">…</span>
              </div>
              <div class="actions" id="actions">
                <button type="button" data-action="cancel" title="Queued: cancelled at once. Running: stopped by its worker.">Cancel</button>
                <button type="button" data-action="kill" title="Running only: SIGTERM, a grace period, then SIGKILL.">Kill</button>
                <button type="button" data-action="retry" title="Finished only: queued again with a fresh round of attempts.">Retry</button>
                <button type="button" data-action="purge" class="danger" title="Delete the job with its runs, events and logs (admin).">Purge</button>
              </div>
              <p class="message" id="action-message" role="status" hidden></p>
              <div class="job-grid">
                <section class="record" aria-labelledby="record-title">
                  <h2 id="record-title">Record</h2>
                  <dl id="record"></dl>
                  <h2>Runs</h2>
                  <div class="scroll">
                    <table class="runs">
                      <thead><tr><th scope="col">#</th><th scope="col">Worker</th><th scope="col">Started</th><th scope="col">Took</th><th scope="col">Outcome</th><th scope="col">Exit</th></tr></thead>
                      <tbody id="runs"></tbody>
                    </table>
                  </div>
                  <p class="muted" id="runs-empty" hidden>No run yet.</p>
                </section>
                <section class="output" aria-labelledby="log-title">
                  <div class="section-head"><h2 id="log-title">Log</h2><span class="muted" id="log-status"></span></div>
                  <pre class="log" id="log" tabindex="0" aria-live="off"></pre>
                  <div class="section-head"><h2>Events</h2><span class="muted" id="events-status"></span></div>
                  <ol class="timeline" id="events"></ol>
                </section>
              </div>
            </main>
            """
        return layout(title: "Job \(id)", root: root, script: "job.js", page: "job", main: main)
    }

    /// The page of a job address that is not a job id.
    static func notFoundPage(root: String, id: String) -> String {
        let main = """
            <main id="content">
              <p class="crumbs"><a href="\(escape(root))/">← All jobs</a></p>
              <h1>Not found</h1>
              <p><code>\(escape(String(id.prefix(64))))</code> is not a job id.</p>
            </main>
            """
        return layout(title: "Not found", root: root, script: nil, page: "missing", main: main)
    }

    /// Everything pages share: the head (viewport, style, module script), the top bar with the
    /// token's state, the token form and the text shown without JavaScript.
    static func layout(title: String, root: String, script: String?, page: String, main: String) -> String {
        let r = escape(root)
        let scriptTag = script.map { "\n  <script type=\"module\" src=\"\(r)/dashboard/\($0)\"></script>" } ?? ""
        return """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <meta name="referrer" content="no-referrer">
              <title>\(escape(title)) · JobCore</title>
              <link rel="icon" href="\(r)/dashboard/icon.svg" type="image/svg+xml">
              <link rel="stylesheet" href="\(r)/dashboard/style.css">\(scriptTag)
            </head>
            <body data-root="\(r)" data-page="\(page)">
            <header class="top">
              <a class="brand" href="\(r)/"><img src="\(r)/dashboard/icon.svg" alt="" width="20" height="20"> JobCore</a>
              <nav class="links"><a href="\(r)/">Jobs</a><a href="\(r)/openapi.json">API</a></nav>
              <span class="token-state" id="token-state" hidden>token kept in this tab <button type="button" class="link" id="forget-token">forget token</button></span>
            </header>
            <noscript><p class="notice">This dashboard reads the API with JavaScript, which is off. Use <code>jobctl list</code>, <code>jobctl show</code> or the HTTP API (<a href="\(r)/openapi.json">its OpenAPI document</a>) instead.</p></noscript>
            <section class="token-panel" id="token-panel" hidden aria-labelledby="token-title">
              <h2 id="token-title">Access token</h2>
              <form id="token-form" autocomplete="off">
                <label for="token-input">Token</label>
                <div class="token-row"><input id="token-input" type="password" placeholder="jct_…" required spellcheck="false" autocomplete="off"><button type="submit">Use token</button></div>
                <p class="hint">Create one with <code>jobctl tokens create --scope operate --name dashboard</code> (<code>read</code> to look only, <code>admin</code> to purge too). It is kept in this browser tab's session storage only, and sent only to this server's API.</p>
                <p class="error" id="token-error" role="alert" hidden></p>
              </form>
            </section>
            \(main)
            </body>
            </html>

            """
    }
}
