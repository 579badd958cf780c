import ArgumentParser
import Foundation
import JobCore

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one job: its record and its runs.",
        discussion: """
        Example:
          jobctl show 01JCZ8Y3T6K4P2M9Q7R5S1V0WX --json
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The job id.") var id: JobID
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            try await global.withStore(logger: global.makeLogger()) { store in
                let job = try await store.job(id)
                let runs = try await store.runs(of: job.id)
                let view = JobView(job, runs: runs)
                if json {
                    try JSONOutput.print(view)
                    return
                }
                var lines = [
                    ("id", view.id), ("state", Style.state(view.state)), ("kind", Escaped.text(view.kind)), ("queue", Escaped.text(view.queue)),
                    ("key", Escaped.text(view.key) ?? "-"), ("priority", "\(view.priority)"), ("attempt", "\(view.attempt)/\(view.maxAttempts)"),
                    ("timeout", DurationParser.format(job.timeout)), ("created", Style.timestamp(view.createdAt)),
                    ("started", Style.timestamp(view.startedAt)), ("finished", Style.timestamp(view.finishedAt)),
                ]
                if let command = view.command { lines.append(("command", Escaped.text(command.joined(separator: " ")))) }
                if let repository = view.repository { lines.append(("repository", Escaped.text(repository))) }
                if let branch = view.branch { lines.append(("branch", Escaped.text(branch))) }
                if view.command == nil, let payload = Self.text(view.payload, base64: view.payloadBase64) { lines.append(("payload", payload)) }
                if let result = Self.text(view.result, base64: view.resultBase64) { lines.append(("result", result)) }
                if let exitCode = view.exitCode { lines.append(("exit code", "\(exitCode)")) }
                if let error = view.lastError {
                    // A job that succeeded (or runs again) after a failed attempt: that error is history.
                    let attempt = view.lastErrorAttempt.map { " (attempt \($0))" } ?? ""
                    lines.append(view.lastErrorIsEarlier == true ? ("earlier error", Escaped.text(error) + attempt) : ("last error", Escaped.text(error)))
                }
                if job.cancelRequested { lines.append(("cancel", "requested")) }
                if !job.dependsOn.isEmpty {
                    // Each dependency with its state now (or "purged").
                    var dependencies: [String] = []
                    for dependency in job.dependsOn {
                        let state = (try? await store.job(dependency).state.rawValue) ?? "purged"
                        dependencies.append("\(dependency) \(Style.state(state))")
                    }
                    let waiting = job.state == .waiting ? ", waiting for \(job.pendingDependencies)" : ""
                    lines.append(("depends on", "\(job.dependencyMode)\(waiting): " + dependencies.joined(separator: ", ")))
                }
                let width = lines.map(\.0.count).max() ?? 0
                print(lines.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n"))
                if !runs.isEmpty {
                    var table = Table(header: ["ATTEMPT", "WORKER", "STARTED", "OUTCOME", "EXIT", "ERROR"])
                    for run in view.runs ?? [] {
                        table.rows.append([
                            "\(run.attempt)", Escaped.text(run.workerID), Style.timestamp(run.startedAt), run.outcome ?? "running",
                            run.exitCode.map { "\($0)" } ?? "-", Escaped.text(run.error ?? ""),
                        ])
                    }
                    print("\n" + table.render())
                }
            }
        }
    }

    /// A payload or result on one line: compact JSON, else its size.
    private static func text(_ value: JSONValue?, base64: String?) -> String? {
        if let value { return value.compactText }
        return base64.flatMap { Data(base64Encoded: $0) }.map { "\($0.count) bytes (not JSON; --json shows them in base64)" }
    }
}
