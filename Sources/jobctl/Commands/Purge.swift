import ArgumentParser
import Foundation
import JobCore

struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete jobs with their runs, events and logs.",
        discussion: """
        Give job ids, or --state (repeatable). A running job's worker stops it at its next \
        heartbeat. An unknown id exits 3 and deletes nothing.

        Example:
          jobctl purge --state succeeded --state cancelled
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "Job ids.") var ids: [JobID] = []
    @Option(help: "Delete every job in this state (repeatable).") var state: [JobState] = []
    @Flag(help: "Print the count as JSON.") var json = false

    func validate() throws {
        guard ids.isEmpty != state.isEmpty else { throw ValidationError("give job ids or --state, not both and not neither") }
    }

    func run() async throws {
        try await reportingErrors {
            try await global.withStore(logger: global.makeLogger()) { store in
                let purged: Int
                if state.isEmpty {
                    purged = try await store.purge(ids)
                } else {
                    purged = try await store.purge(states: Set(state))
                }
                if json { try JSONOutput.print(["purged": purged]) } else { print("purged \(purged) job\(purged == 1 ? "" : "s")") }
            }
        }
    }
}
