import ArgumentParser
import Foundation
import JobCore
import JobCoreJSON
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
    @Option(help: ArgumentHelp(
        "The W3C trace context of the caller's span (00-TRACEID-SPANID-FLAGS): the job's attempts join that trace.",
        valueName: "traceparent"))
    var traceparent: String?

    func validate() throws {
        if let traceparent, !Self.isTraceparent(traceparent) {
            throw ValidationError("--traceparent must be a W3C traceparent: 00-<32 hex>-<16 hex>-<2 hex>")
        }
    }

    /// Version 00 of W3C Trace Context's `traceparent`, with non-zero ids.
    static func isTraceparent(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let hex = Set("0123456789abcdef")
        guard parts.count == 4, parts.map(\.count) == [2, 32, 16, 2], parts[0] == "00",
              parts.allSatisfy({ $0.allSatisfy(hex.contains) }) else { return false }
        return parts[1].contains { $0 != "0" } && parts[2].contains { $0 != "0" }
    }

    func run() async throws {
        try await reportingErrors {
            let logger = global.makeLogger()
            let (made, command) = try job.makeJob(defaultAttempts: 3, now: Date())
            var newJob = made
            if let traceparent { newJob.traceContext = ["traceparent": traceparent] }
            let result = try await global.withStore(logger: logger) { store in try await DurableJobQueue(store: store).enqueue([newJob])[0] }
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
