import ArgumentParser
import Foundation
import JobCore
import JobCoreJSON

struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a job's output; --follow keeps printing until the job ends.",
        discussion: """
        The log holds the command's stdout and stderr, interleaved, bounded per job (the end is \
        marked when output was dropped). It can be read from any process sharing the store while \
        the job runs. The bytes are printed exactly as the command wrote them; --json prints one \
        document with them in base64 (outputBase64, exact) and as text (output, invalid UTF-8 \
        replaced by U+FFFD).

        Example:
          jobctl logs 01JCZ8Y3T6K4P2M9Q7R5S1V0WX --follow
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The job id.") var id: JobID
    @Flag(name: .shortAndLong, help: "Keep printing new output until the job has finished.") var follow = false
    @Flag(help: "Print one JSON document: the output in base64 (exact) and as text (invalid UTF-8 replaced).") var json = false
    @Option(name: .customLong("poll-interval"), help: ArgumentHelp("How often --follow looks for new output.", valueName: "duration"))
    var pollInterval: Duration = .milliseconds(200)

    func validate() throws {
        guard pollInterval > .zero else { throw ValidationError("--poll-interval must be positive") }
    }

    func run() async throws {
        try await reportingErrors {
            try await global.withStore(logger: global.makeLogger()) { store in
                let job = try await store.job(id)
                var offset = 0
                var truncated = false
                var collected = Data()
                while true {
                    // Read the state before the log: output written before the job ended is then read too.
                    let finished = try await store.job(job.id).state.isTerminal
                    while true {
                        let chunk = try await store.readLog(job.id, from: offset, maxBytes: 256 * 1024)
                        if !chunk.data.isEmpty {
                            // The bytes as stored: binary output is passed through unchanged.
                            if json { collected.append(chunk.data) } else { Terminal.standardOutput.write(bytes: chunk.data) }
                            offset = chunk.nextOffset
                        }
                        truncated = chunk.truncated
                        if chunk.data.isEmpty { break }
                    }
                    if !follow || finished { break }
                    try await Task.sleep(for: pollInterval)
                }
                if json {
                    try JSONOutput.print(LogView(id: job.id.description, bytes: collected, truncated: truncated))
                } else if truncated {
                    Terminal.standardError.write("jobctl: the log of this job was truncated at the store's limit\n")
                }
            }
        }
    }
}
