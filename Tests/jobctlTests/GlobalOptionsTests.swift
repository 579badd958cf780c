import Foundation
import JobCore
import JobCoreTesting
import Testing

/// `--store`, `--workspace-root`, `--log-level` and `--log-format` work before the subcommand
/// and after it, and the environment variables stand in for the first two.
@Suite struct GlobalOptionsTests {
    /// Where the global options go: before the subcommand (`jobctl --store X list`) or after it.
    enum Position: String, CaseIterable, CustomTestStringConvertible {
        case before, after
        var testDescription: String { rawValue }

        func arguments(_ subcommand: [String], global: [String], rest: [String] = []) -> [String] {
            switch self {
            case .before: global + subcommand + rest
            case .after: subcommand + global + rest
            }
        }
    }

    /// Runs jobctl without `JOBCTL_STORE` or `JOBCTL_WORKSPACE_ROOT` unless given.
    func jobctl(_ arguments: [String], environment: [String: String] = [:]) async throws -> JobctlProcess.Output {
        try await JobctlProcess.run(arguments, environment: environment)
    }

    func ids(_ output: JobctlProcess.Output) throws -> [String] {
        let jobs = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]]
        return jobs?.compactMap { $0["id"] as? String } ?? []
    }

    @Test(arguments: Position.allCases)
    func store(position: Position) async throws {
        try await JobctlEnvironment.with { env in
            let enqueued = try await jobctl(position.arguments(["enqueue"], global: ["--store", env.store], rest: ["--", "true"]))
            #expect(enqueued.status == 0, "\(enqueued.stderr)")
            let id = enqueued.stdout.trimmingCharacters(in: .newlines)
            let listed = try await jobctl(position.arguments(["list"], global: ["--store", env.store], rest: ["--json"]))
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(try ids(listed) == [id])
            let shown = try await jobctl(position.arguments(["show", id], global: ["--store", env.store]))
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(shown.stdout.contains(id))
            // A nested subcommand takes them too.
            let sweep = try await jobctl(position.arguments(["workspace", "sweep"], global: ["--workspace-root", env.workspaces.path]))
            #expect(sweep.status == 0, "\(sweep.stderr)")
        }
    }

    @Test func storeFromTheEnvironmentAndTheLaterOptionWins() async throws {
        try await JobctlEnvironment.with { env in
            let id = try await jobctl(["enqueue", "--", "true"], environment: ["JOBCTL_STORE": env.store])
                .stdout.trimmingCharacters(in: .newlines)
            #expect(try ids(try await jobctl(["list", "--json"], environment: ["JOBCTL_STORE": env.store])) == [id])
            // The option overrides the environment; given before and after the subcommand, the
            // subcommand's (the later) one wins.
            let other = "sqlite:\(env.root.appendingPathComponent("other.sqlite").path)"
            #expect(try ids(try await jobctl(["list", "--json", "--store", other], environment: ["JOBCTL_STORE": env.store])).isEmpty)
            #expect(try ids(try await jobctl(["--store", other, "list", "--store", env.store, "--json"])) == [id])
            #expect(try ids(try await jobctl(["--store", env.store, "list", "--store", other, "--json"])).isEmpty)
        }
    }

    @Test func anInvalidStoreIsInvalidInputInEitherPosition() async throws {
        for arguments in [["--store", "ftp:x", "list"], ["list", "--store", "ftp:x"]] {
            let output = try await jobctl(arguments)
            #expect(output.status == 2, "\(output.stderr)")
            #expect(output.stderr.contains("unknown scheme 'ftp'"))
        }
        let fromEnvironment = try await jobctl(["list"], environment: ["JOBCTL_STORE": "ftp:x"])
        #expect(fromEnvironment.status == 2, "\(fromEnvironment.stderr)")
        #expect(fromEnvironment.stderr.contains("unknown scheme 'ftp'"))
    }

    @Test(arguments: Position.allCases)
    func workspaceRoot(position: Position) async throws {
        try await TemporaryDirectory.with(prefix: "jobctl-root") { root in
            let output = try await jobctl(position.arguments(["doctor"], global: ["--workspace-root", root.path, "--store", "memory:"], rest: ["--json"]))
            let report = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
            #expect((report?["workspaceRoot"] as? [String: Any])?["path"] as? String == root.path, "\(output.stderr)")
        }
    }

    @Test func workspaceRootFromTheEnvironment() async throws {
        try await TemporaryDirectory.with(prefix: "jobctl-root") { root in
            let output = try await jobctl(["doctor", "--json", "--store", "memory:"], environment: ["JOBCTL_WORKSPACE_ROOT": root.path])
            let report = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
            #expect((report?["workspaceRoot"] as? [String: Any])?["path"] as? String == root.path, "\(output.stderr)")
        }
    }

    @Test(arguments: Position.allCases)
    func logLevelAndFormat(position: Position) async throws {
        try await JobctlEnvironment.with { env in
            let quiet = try await jobctl(position.arguments(["enqueue"], global: ["--store", env.store], rest: ["--", "true"]))
            #expect(quiet.status == 0)
            #expect(!quiet.stderr.contains("enqueued"))

            let text = try await jobctl(position.arguments(["enqueue"], global: ["--store", env.store, "--log-level", "info"], rest: ["--", "true"]))
            #expect(text.status == 0)
            let textLine = try #require(text.stderr.split(separator: "\n").first { $0.contains("enqueued") })
            #expect(textLine.contains(" info enqueued "), "\(textLine)")

            let json = try await jobctl(position.arguments(
                ["enqueue"], global: ["--store", env.store, "--log-level", "info", "--log-format", "json"], rest: ["--", "true"]
            ))
            #expect(json.status == 0)
            let lines = json.stderr.split(separator: "\n")
            #expect(!lines.isEmpty)
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
                #expect(object?["level"] != nil, "\(line)")
            }
            #expect(lines.contains { $0.contains(#""message":"enqueued""#) })
        }
    }

    @Test func helpShowsTheGlobalOptionsOnTheRootAndOnSubcommands() async throws {
        for arguments in [["--help"], ["list", "--help"], ["workspace", "sweep", "--help"]] {
            let output = try await jobctl(arguments)
            #expect(output.status == 0)
            for option in ["--store", "--workspace-root", "--log-level", "--log-format"] {
                #expect(output.stdout.contains(option), "\(arguments): \(option)")
            }
        }
    }
}
