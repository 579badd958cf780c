import ArgumentParser
import Foundation
import JobCore
import JobCoreJSON

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one job: its record, its runs, and the tree of its children.",
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
                let detail = try await store.detail(id)
                let job = detail.record, runs = detail.runs, children = detail.childCounts
                let view = JobJSON.view(of: detail)
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
                if let checkpoint = job.checkpoint {
                    lines.append(("checkpoint", "\(checkpoint.wipCommit) on \(Escaped.text(checkpoint.wipBranch)), saved \(Style.timestamp(checkpoint.savedAt))"))
                }
                if let parent = job.parentID {
                    let state = (try? await store.job(parent).state.rawValue) ?? "purged"
                    lines.append(("parent", "\(parent) \(Style.state(state))"))
                }
                if !children.isEmpty {
                    let counts = JobState.allCases.compactMap { state in children[state].map { "\($0) \(state)" } }
                    lines.append(("children", counts.joined(separator: ", ")))
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
                if !children.isEmpty {
                    var tree = ["\(job.id) \(Style.state(job.state.rawValue)) \(Self.label(job))"]
                    try await Self.appendTree(of: job.id, depth: 1, to: &tree, in: store)
                    print("\n" + tree.joined(separator: "\n"))
                }
            }
        }
    }

    /// The most lines the tree of children prints.
    static let maximumTreeLines = 500

    /// The children of a job, depth first and indented, with their states; at most
    /// ``maximumTreeLines`` lines, then how many were left out.
    static func appendTree(of id: JobID, depth: Int, to lines: inout [String], in store: any JobStore) async throws {
        var cursor: JobID?
        var shown = 0
        repeat {
            let page = try await store.list(JobFilter(parent: id), page: JobPage(limit: 100, after: cursor, order: .oldestFirst))
            for child in page.jobs {
                guard lines.count < maximumTreeLines else {
                    let left = try await store.count(JobFilter(parent: id)) - shown
                    lines.append(String(repeating: "  ", count: depth) + "… \(left) more (jobctl list --parent \(id))")
                    return
                }
                lines.append(String(repeating: "  ", count: depth) + "\(child.id) \(Style.state(child.state.rawValue)) \(label(child))")
                shown += 1
                try await appendTree(of: child.id, depth: depth + 1, to: &lines, in: store)
            }
            cursor = page.nextCursor
        } while cursor != nil && lines.count < maximumTreeLines
    }

    /// What a job does, in a few words: its command, "group", or its kind.
    static func label(_ job: JobRecord) -> String {
        if job.isGroup { return "group" }
        if job.kind == CommandJob.kind.name, let payload = try? JSONDecoder().decode(CommandJob.self, from: job.payload) {
            let command = payload.command.joined(separator: " ")
            return Escaped.text(command.count > 60 ? String(command.prefix(59)) + "…" : command)
        }
        return Escaped.text(job.kind)
    }

    /// A payload or result on one line: compact JSON, else its size.
    private static func text(_ value: JSONValue?, base64: String?) -> String? {
        if let value { return value.compactText }
        return base64.flatMap { Data(base64Encoded: $0) }.map { "\($0.count) bytes (not JSON; --json shows them in base64)" }
    }
}
