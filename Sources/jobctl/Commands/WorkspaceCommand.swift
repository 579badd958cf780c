import ArgumentParser
import Foundation
import JobCore

struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "Manage job workspaces.",
        subcommands: [Sweep.self]
    )

    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove stale workspaces of dead jobs.",
            discussion: """
            Removes directories under the workspace root that carry JobCore's prefix, whose owner \
            process is gone, and that are older than --older-than. Symbolic links are never \
            followed; directories of live owners or without the prefix are never touched.

            Example:
              jobctl workspace sweep --older-than 2h --workspace-root /var/lib/jobs/ws
            """
        )

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Option(name: .customLong("older-than"), help: ArgumentHelp("Minimum age of a workspace to remove.", valueName: "duration"))
        var olderThan: Duration = .seconds(3600)
        @Flag(help: "Print the removed directories as JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let manager = LocalWorkspaceManager(
                    configuration: .init(root: global.resolvedWorkspaceRoot), logger: global.makeLogger()
                )
                let removed = await manager.sweepStale(olderThan: olderThan)
                if json {
                    try JSONOutput.print(["removed": removed])
                } else if removed.isEmpty {
                    print("no stale workspaces")
                } else {
                    removed.forEach { print("removed \($0)") }
                }
            }
        }
    }
}
