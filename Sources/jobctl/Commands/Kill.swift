import ArgumentParser
import Foundation
import JobCore

struct Kill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop a running job: SIGTERM, a grace period, SIGKILL (--force: SIGKILL now).",
        discussion: """
        Only a running job can be killed (otherwise exit 4). Its worker delivers the signal at its \
        next heartbeat; the job ends cancelled.

        Example:
          jobctl kill 01JCZ8Y3T6K4P2M9Q7R5S1V0WX --force
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The job id.") var id: JobID
    @Flag(help: "SIGKILL at once, without a grace period.") var force = false
    @Flag(help: "Print the job as JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            try await global.withStore(logger: global.makeLogger()) { store in
                // The store cancels a queued job too: `kill` is for running ones only.
                let job = try await store.job(id)
                guard job.state == .running else {
                    throw CLIError(.notAllowed, "job \(id) is \(job.state), not running; use cancel for a queued job")
                }
                let mode: JobStopMode = force ? .immediate : .graceful
                let updated = try await store.cancel(job.id, reason: CommandJobRunner.killReason(mode), mode: mode)
                try OperateOutput.print(updated, json: json, text: force ? "kill (SIGKILL) requested" : "kill (SIGTERM) requested")
            }
        }
    }
}
