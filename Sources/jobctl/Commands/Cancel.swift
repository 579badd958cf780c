import ArgumentParser
import Foundation
import JobCore

struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cancel a job: queued → cancelled; running → its process group is terminated, then cancelled.",
        discussion: """
        A running job's worker stops it at its next heartbeat (SIGTERM to the command's process \
        group, a grace period, SIGKILL) and removes its workspace. A finished job exits 4.

        Example:
          jobctl cancel 01JCZ8Y3T6K4P2M9Q7R5S1V0WX
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The job id.") var id: JobID
    @Option(help: "Why; recorded in the job's events.") var reason: String?
    @Flag(help: "Print the job as JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            try await global.withStore(logger: global.makeLogger()) { store in
                let updated = try await store.cancel(id, reason: reason ?? "cancelled with jobctl")
                try OperateOutput.print(updated, json: json, text: updated.state == .cancelled ? "cancelled" : "cancel requested")
            }
        }
    }
}
