import ArgumentParser
import Foundation
import JobCore
import JobCoreJSON

struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a job's event stream: every transition, in order.",
        discussion: """
        Example:
          jobctl events 01JCZ8Y3T6K4P2M9Q7R5S1V0WX
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The job id.") var id: JobID
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            try await global.withStore(logger: global.makeLogger()) { store in
                let job = try await store.job(id)
                var events: [JobEvent] = []
                var after: Int64?
                while true {
                    let page = try await store.events(of: job.id, after: after, limit: 1000)
                    events += page
                    guard page.count == 1000, let last = page.last else { break }
                    after = last.sequence
                }
                if json {
                    try JSONOutput.print(events.map(EventView.init))
                    return
                }
                var table = Table(header: ["SEQ", "AT", "EVENT", "STATE", "EPOCH", "MESSAGE"])
                for event in events {
                    table.rows.append([
                        "\(event.sequence)", Style.timestamp(event.at), event.kind.rawValue, Style.state(event.state.rawValue),
                        event.epoch.map { "\($0)" } ?? "-", Escaped.text(event.message ?? ""),
                    ])
                }
                print(table.render())
            }
        }
    }
}
