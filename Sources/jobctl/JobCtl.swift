import ArgumentParser
import Foundation
import JobCore

struct JobCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobctl",
        abstract: "Run and operate JobCore jobs: Git workspaces, durable queue, workers.",
        subcommands: [
            Run.self, Enqueue.self, Submit.self, WorkerCommand.self, ListJobs.self, Show.self, Events.self, Logs.self,
            Cancel.self, Kill.self, Retry.self, Purge.self, Health.self, WorkersCommand.self, Serve.self, TokensCommand.self, WorkspaceCommand.self, CacheCommand.self, Clone.self, Doctor.self,
            Bench.self,
        ]
    )

    /// Parsed wherever they stand, before or after the subcommand; the subcommands' own group of
    /// the same type receives these values (see ``GlobalOptions``).
    @OptionGroup(title: "Global Options") var global: GlobalOptions
}

@main
enum Main {
    /// Parses and runs; a usage error exits 2 (the contract's "invalid input"), not 64.
    static func main() async {
        // libgit2 and the process supervisor write to sockets and pipes: EPIPE, not death.
        ignoreSIGPIPE()
        // It holds tokens: no process of the same user reads its memory, and no core is written.
        protectProcessMemory()
        do {
            var command = try JobCtl.parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if JobCtl.exitCode(for: error) == .validationFailure {
                Terminal.standardError.write(JobCtl.fullMessage(for: error) + "\n")
                exit(JobExitCode.invalidInput.rawValue)
            }
            JobCtl.exit(withError: error)
        }
    }
}
