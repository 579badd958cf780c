import ArgumentParser
import Foundation
import JobCore

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
