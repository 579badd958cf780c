// The library example of README.md, compiled so that it stays true. scripts/examples checks that
// the code between the markers is README's (imports aside, indented by four spaces).
import Foundation
import JobCore
import JobCoreSQLite
import Logging
import ServiceLifecycle
import UnixSignals

/// Stands for the user's own work in the workspace.
func runAgent(in directory: String) async throws {
    try Data("notes\n".utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("NOTES.md"))
}

/// README's example, as a function (run it with a GITHUB_TOKEN that can push to acme/widgets).
/// - Parameter httpServer: the service's HTTP server, or any other service to run beside the worker.
func readmeExample(httpServer: any Service) async throws {
    // README begin
    struct FixIssue: JobPayload {
        static let kind = JobKind<FixIssue>("fix-issue")
        var repository: String   // "acme/widgets"
        var issue: Int
    }

    ignoreSIGPIPE()              // once, at start: libgit2 asks every program that uses it
    let logger = Logger(label: "fix-bot")
    let store = try SQLiteJobStore(path: "jobs.sqlite")
    let workspaces = LocalWorkspaceManager(logger: logger)
    let tokens = EnvironmentTokenProvider(variable: "GITHUB_TOKEN")

    // Enqueue — from a webhook handler, a script, another process sharing the file.
    try await DurableJobQueue(store: store).enqueue(
        FixIssue(repository: "acme/widgets", issue: 42),
        options: JobOptions(key: "installation-7", idempotencyKey: "fix-acme/widgets-42")
    )

    // Run — one job per installation at a time, across every worker on the store.
    var handlers = JobHandlers()
    handlers.register(FixIssue.self) { job, context in
        let options = WorkspaceOptions(
            source: try RepositorySource.parse(job.repository),
            branch: "agent/issue-\(job.issue)",
            credentials: .provider(tokens),
            jobID: context.id.description
        )
        try await workspaces.withWorkspace(options) { workspace in
            try await runAgent(in: workspace.directory)           // your code
            if try await workspace.commitAll(message: "Fix #\(job.issue)") != nil {
                try await workspace.push()
            }
        }
    }
    let worker = Worker(store: store, handlers: handlers, configuration: .init(concurrency: 4), logger: logger)

    // The worker is a Service: it runs until the service stops. Run it beside your HTTP server
    // (any Service); on SIGTERM it stops claiming, lets running jobs finish for the grace period
    // (30 s) and returns the rest to the queue, not failed.
    let group = ServiceGroup(services: [httpServer, worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    try await group.run()
    // README end
}
