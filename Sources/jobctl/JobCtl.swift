import ArgumentParser

@main
struct JobCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobctl",
        abstract: "Run and operate JobCore jobs: Git workspaces, durable queue, workers.",
        subcommands: [Bench.self]
    )
}
