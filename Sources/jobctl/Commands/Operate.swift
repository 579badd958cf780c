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

struct Retry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Queue a finished job again, with a fresh round of attempts.",
        discussion: """
        Example:
          jobctl retry 01JCZ8Y3T6K4P2M9Q7R5S1V0WX
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The job id.") var id: JobID
    @Flag(help: "Print the job as JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            try await global.withStore(logger: global.makeLogger()) { store in
                try OperateOutput.print(try await store.retry(id), json: json, text: "queued again")
            }
        }
    }
}

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

enum OperateOutput {
    static func print(_ job: JobRecord, json: Bool, text: String) throws {
        if json { try JSONOutput.print(JobView(job)) } else { Swift.print("\(job.id): \(text) (\(job.state))") }
    }
}
