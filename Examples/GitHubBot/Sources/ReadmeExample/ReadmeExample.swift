// The library example of README.md, compiled so that it stays true. scripts/examples checks that
// the code between the markers is README's (imports aside, indented by four spaces).
import Foundation
import JobCore
import JobCoreSQLite
import Logging

/// Stands for the user's own work in the workspace.
func runAgent(in directory: String) async throws {
    try Data("notes\n".utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("NOTES.md"))
}

/// README's example, as a function (run it with a GITHUB_TOKEN that can push to acme/widgets).
func readmeExample() async throws {
    // README begin
    struct FixIssue: Codable, Sendable {
        var repository: String   // "acme/widgets"
        var issue: Int
    }
    let fixIssue = JobKind<FixIssue>("fix-issue")

    let logger = Logger(label: "fix-bot")
    let store = try SQLiteJobStore(path: "jobs.sqlite")
    let workspaces = LocalWorkspaceManager(logger: logger)
    let tokens = EnvironmentTokenProvider(variable: "GITHUB_TOKEN")

    // Enqueue — from a webhook handler, a script, another process sharing the file.
    try await DurableJobQueue(store: store).enqueue(
        fixIssue, FixIssue(repository: "acme/widgets", issue: 42),
        options: JobOptions(key: "installation-7", idempotencyKey: "fix-acme/widgets-42")
    )

    // Run — one job per installation at a time, across every worker on the store.
    var handlers = JobHandlers()
    handlers.register(fixIssue) { job, context in
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
    let worker = Worker(store: store, handlers: handlers, configuration: .init(concurrency: 4, drain: .whenNothingQueued), logger: logger)
    try await worker.run()   // or in a ServiceGroup beside your HTTP server
    // README end
}
