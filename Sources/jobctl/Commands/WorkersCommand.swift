import ArgumentParser
import Foundation
import JobCore

struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "List the worker registry, or drain a worker.",
        discussion: """
        Every worker process (jobctl worker, jobctl serve --with-worker, a Worker in your own \
        service) records itself in the store and renews the record at each heartbeat. A worker \
        not seen for three heartbeat intervals is gone; gone workers are removed after a day.

        Examples:
          jobctl workers
          jobctl workers --json
          jobctl workers drain host-a-4242-9f3c    # stop claiming, finish running jobs, exit
        """,
        subcommands: [List.self, Drain.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the workers (gone ones included until removed).")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Flag(help: "Print a JSON array of the workers.") var json = false

        func run() async throws {
            try await reportingErrors {
                let workers = try await global.withStore(logger: global.makeLogger()) { store in try await store.workers() }
                if json {
                    try JSONOutput.print(workers)
                    return
                }
                guard !workers.isEmpty else { print("no workers (jobctl worker starts one)"); return }
                var table = Table(header: ["ID", "STATE", "HOST", "PID", "QUEUE", "LOAD", "CAPABILITIES", "LABELS", "LAST SEEN"])
                for worker in workers {
                    let labels = worker.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                    table.rows.append([
                        Escaped.text(worker.id), worker.state.rawValue, Escaped.text(worker.host), "\(worker.pid)", Escaped.text(worker.queue),
                        "\(worker.load)/\(worker.seats)", worker.capabilities.isEmpty ? "-" : worker.capabilities.joined(separator: ","),
                        labels.isEmpty ? "-" : Escaped.text(labels), Style.timestamp(worker.lastSeenAt),
                    ])
                }
                print(table.render())
            }
        }
    }

    struct Drain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask a worker to stop claiming, finish its running jobs and exit (it learns at its next heartbeat).",
            discussion: "An unknown worker exits 3; a gone one exits 4."
        )

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The worker's id (jobctl workers lists them).") var id: String
        @Flag(help: "Print the worker's record as JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let worker = try await global.withStore(logger: global.makeLogger()) { store in try await store.drainWorker(id) }
                if json {
                    try JSONOutput.print(worker)
                } else {
                    print("draining \(worker.id): it stops claiming at its next heartbeat (within \(DurationParser.format(.milliseconds(Int64(worker.heartbeatIntervalSeconds * 1000))))) and exits once its \(worker.load) running \(worker.load == 1 ? "job has" : "jobs have") finished")
                }
            }
        }
    }
}
