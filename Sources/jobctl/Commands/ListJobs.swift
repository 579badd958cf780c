import ArgumentParser
import Foundation
import JobCore
import JobCoreJSON

struct ListJobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List jobs, newest first.",
        discussion: """
        Example:
          jobctl list --state running --state queued --key acme --limit 20
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Option(help: "waiting, queued, running, succeeded, failed or cancelled (repeatable).") var state: [JobState] = []
    @Option(help: "Only the children of this job.") var parent: JobID?
    @Option(help: "Only jobs with this concurrency key.") var key: String?
    @Option(help: "Only jobs of this kind.") var kind: String?
    @Option(help: "Only jobs in this queue.") var queue: String?
    @Option(help: "At most this many jobs (the store refuses fewer than one).") var limit: Int = 50
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        // Fewer than one is the store's to refuse (the same message from every store).
        guard limit <= 100_000 else { throw ValidationError("--limit must be at most 100000") }
    }

    func run() async throws {
        try await reportingErrors {
            try await global.withStore(logger: global.makeLogger()) { store in
                let filter = JobFilter(states: state.isEmpty ? nil : Set(state), key: key, kind: kind, queue: queue, parent: parent)
                let jobs = try await store.list(filter, page: JobPage(limit: limit, order: .newestFirst)).jobs
                if json {
                    try JSONOutput.print(jobs.map { JobView($0) })
                    return
                }
                var table = Table(header: ["ID", "STATE", "KEY", "ATTEMPT", "CREATED", "COMMAND"])
                for job in jobs {
                    let view = JobView(job)
                    table.rows.append([
                        // Keys, commands and kinds are user strings: escaped, never obeyed by the terminal.
                        view.id, Style.state(view.state), Escaped.text(view.key) ?? "-", "\(view.attempt)/\(view.maxAttempts)",
                        Style.timestamp(view.createdAt), Escaped.text(view.command?.joined(separator: " ") ?? view.kind),
                    ])
                }
                print(table.render())
            }
        }
    }
}
