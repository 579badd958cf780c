// The code of the DocC article Sources/JobCore/JobCore.docc/GettingStarted.md, compiled so that it
// stays true (keep the two in step by hand).
import Foundation
import JobCore
import JobCoreSQLite
import Logging
import ServiceLifecycle
import UnixSignals

struct FixIssue: Codable, Sendable {
    var repository: String      // "acme/widgets"
    var issue: Int
}

let fixIssue = JobKind<FixIssue>("fix-issue")

func register(in handlers: inout JobHandlers, workspaces: any WorkspaceManager, tokens: any TokenProvider) {
    handlers.register(fixIssue) { job, context in
        let options = WorkspaceOptions(
            source: try RepositorySource.parse(job.repository),
            branch: "agent/issue-\(job.issue)",
            credentials: .provider(tokens),
            jobID: context.id.description
        )
        try await workspaces.withWorkspace(options) { workspace in
            let file = URL(fileURLWithPath: workspace.directory).appendingPathComponent("NOTES.md")
            try Data("Looked at #\(job.issue)\n".utf8).write(to: file)
            if try await workspace.commitAll(message: "Notes for #\(job.issue)") != nil {
                try await workspace.push()
            }
        }
        context.record("files", 1)
    }
}

func gettingStarted() async throws {
    let logger = Logger(label: "my-bot")
    let store = try SQLiteJobStore(path: "/var/lib/my-bot/jobs.sqlite")
    let tokens = EnvironmentTokenProvider(variable: "GITHUB_TOKEN")
    let workspaces = LocalWorkspaceManager(logger: logger)

    var handlers = JobHandlers()
    register(in: &handlers, workspaces: workspaces, tokens: tokens)
    let worker = Worker(store: store, handlers: handlers, configuration: .init(concurrency: 4), logger: logger)

    // Anywhere — this process or another one sharing the file:
    try await DurableJobQueue(store: store).enqueue(
        fixIssue, FixIssue(repository: "acme/widgets", issue: 42),
        options: JobOptions(key: "installation-7", idempotencyKey: "fix-acme/widgets-42")
    )

    // The worker is a Service: SIGTERM stops claiming, lets running jobs finish, requeues the rest.
    let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    try await group.run()
}
