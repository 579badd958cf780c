import ArgumentParser
import Foundation
import JobCore
import Logging

struct Enqueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enqueue a command job; print its id.",
        discussion: """
        The job runs in a fresh workspace with the command after --, on a worker (jobctl worker) \
        sharing the store. Invalid input exits 2 and creates nothing.

        Example:
          jobctl enqueue --repo acme/widgets --branch agent/issue-42 --key acme --push -- ./fix.sh 42
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var job: JobSpecOptions
    @Flag(help: "Print the job as JSON instead of its id.") var json = false

    func run() async throws {
        try await reportingErrors {
            let logger = global.makeLogger()
            let (newJob, command) = try job.makeJob(defaultAttempts: 3, now: Date())
            let result = try await global.withStore(logger: logger) { store in try await store.enqueue(newJob) }
            logger.info("enqueued", metadata: [
                "job.id": "\(result.job.id)", "job.key": "\(result.job.key ?? "")", "created": "\(result.created)",
                "correlation.id": "\(command.correlationID ?? "")",
                "command": "\(command.command.first ?? "")",
            ])
            if json {
                try JSONOutput.print(JobView(result.job))
            } else {
                print(result.job.id)
            }
        }
    }
}
