import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Issue 18 §2 through jobctl: `--cache` on clone and run, several processes sharing one mirror,
/// and `cache list|prune|clear`, `health` and `doctor` reporting it.
@Suite struct CacheCommandTests {
    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test func processesCloningAtOnceShareOneMirror() async throws {
        try await JobctlEnvironment.with { env in
            let server = try await LocalGitServer.start(root: env.root)
            defer { Task { try? await server.shutdown() } }
            let cache = env.root.appendingPathComponent("cache").path
            let url = server.url(for: "repo.git")
            // Six processes at once on a cold cache: one fills the mirror, the others wait for
            // it and get their workspace from it.
            let outputs = try await withThrowingTaskGroup(of: JobctlProcess.Output.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        try await env.jobctl(["clone", url, env.root.appendingPathComponent("clone-\(index)").path, "--json"],
                                             environment: ["JOBCTL_CACHE": cache])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let results = try outputs.map { output in
                #expect(output.status == 0, "\(output.stderr)")
                return try #require(try json(output.stdout) as? [String: Any])
            }
            #expect(results.filter { $0["cache"] as? String == "fill" }.count == 1)
            #expect(results.filter { $0["cache"] as? String == "hit" }.count == 5)
            #expect(Set(results.compactMap { $0["commit"] as? String }) == [try GitFixture.git(["rev-parse", "main"], in: env.repository).trimmingCharacters(in: .whitespacesAndNewlines)])
            for index in 0..<6 {
                let clone = env.root.appendingPathComponent("clone-\(index)")
                #expect(try GitFixture.git(["status", "--porcelain"], in: clone).isEmpty)
                #expect(try GitFixture.git(["config", "remote.origin.url"], in: clone).trimmingCharacters(in: .whitespacesAndNewlines) == url)
            }

            // A job run with --cache gets its workspace from the same mirror.
            let run = try await env.jobctl(["run", "--repo", url, "--cache", cache, "--", "sh", "-c", "git rev-parse HEAD"])
            #expect(run.status == 0, "\(run.stderr)")

            let list = try await env.jobctl(["cache", "list", "--cache", cache, "--json"])
            let entries = try #require(try json(list.stdout) as? [[String: Any]])
            #expect(entries.count == 1)
            #expect(entries.first?["url"] as? String == url)
            #expect((entries.first?["requests"] as? [String: Int]) == ["fill": 1, "hit": 6])
            #expect((entries.first?["sizeBytes"] as? Int ?? 0) > 0)

            let health = try await env.jobctl(["health", "--cache", cache, "--json"])
            let statistics = try #require((try json(health.stdout) as? [String: Any])?["cache"] as? [String: Any])
            #expect(statistics["mirrors"] as? Int == 1)
            #expect(abs((statistics["hitRate"] as? Double ?? 0) - 6.0 / 7.0) < 0.001)
            let doctor = try await env.jobctl(["doctor", "--cache", cache])
            #expect(doctor.stdout.contains("cache           \(cache): 1 mirror"))

            // prune keeps what fits; clear removes the mirror.
            let prune = try await env.jobctl(["cache", "prune", "--cache", cache, "--cache-max-size", "1G", "--json"])
            #expect(try json(prune.stdout) as? [Any] == nil || (try json(prune.stdout) as? [Any])?.isEmpty == true)
            let clear = try await env.jobctl(["cache", "clear", "--cache", cache])
            #expect(clear.status == 0)
            #expect(clear.stdout.contains(url))
            #expect(try await env.jobctl(["cache", "list", "--cache", cache]).stdout.contains("no mirrors"))
        }
    }

    @Test func cacheCommandsNeedADirectoryAndAValidSize() async throws {
        try await JobctlEnvironment.with { env in
            let missing = try await env.jobctl(["cache", "list"])
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("--cache DIR"))
            let size = try await env.jobctl(["cache", "prune", "--cache", env.root.path, "--cache-max-size", "ten"])
            #expect(size.status == 2)
            #expect(size.stderr.contains("invalid cache size 'ten'"))
            let file = env.root.appendingPathComponent("a-file")
            try Data().write(to: file)
            let notDirectory = try await env.jobctl(["cache", "list", "--cache", file.path])
            #expect(notDirectory.status == 2)
            #expect(notDirectory.stderr.contains("is not a directory"))
        }
    }
}
