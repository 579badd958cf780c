import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Where `jobctl` creates a SQLite store, and what it refuses to create.
@Suite struct StorePathTests {
    /// A store path whose directory is missing (a typo) is invalid input: exit 2, a message naming
    /// the directory, and nothing created.
    @Test func aMissingDirectoryIsAnError() async throws {
        try await JobctlEnvironment.with { env in
            let missing = env.root.appendingPathComponent("tpyo/nested")
            let store = "sqlite:\(missing.appendingPathComponent("jobs.sqlite").path)"
            let output = try await JobctlProcess.run(["enqueue", "--store", store, "--", "true"])
            #expect(output.status == 2, "\(output.stderr)")
            #expect(output.stderr.contains("\(missing.path) does not exist"), "\(output.stderr)")
            #expect(!FileManager.default.fileExists(atPath: env.root.appendingPathComponent("tpyo").path))
            // The same through JOBCTL_STORE.
            let listed = try await JobctlProcess.run(["list"], environment: ["JOBCTL_STORE": store])
            #expect(listed.status == 2, "\(listed.stderr)")
            #expect(!FileManager.default.fileExists(atPath: env.root.appendingPathComponent("tpyo").path))
        }
    }

    /// The default location's directories are created.
    @Test func theDefaultLocationIsCreated() async throws {
        try await JobctlEnvironment.with { env in
            let data = env.root.appendingPathComponent("data/share")
            let output = try await JobctlProcess.run(["enqueue", "--", "true"], environment: ["XDG_DATA_HOME": data.path])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("jobctl/jobs.sqlite").path))
        }
    }

    /// The default directory is created 0700 and the store file 0600: they hold job output and
    /// `--env` values.
    @Test func theDefaultLocationIsPrivate() async throws {
        try await JobctlEnvironment.with { env in
            let data = env.root.appendingPathComponent("data")
            let output = try await JobctlProcess.run(["enqueue", "--env", "TOKEN=secret", "--", "true"], environment: ["XDG_DATA_HOME": data.path])
            #expect(output.status == 0, "\(output.stderr)")
            func mode(_ url: URL) throws -> Int {
                ((try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777
            }
            #expect(try mode(data.appendingPathComponent("jobctl")) == 0o700)
            #expect(try mode(data.appendingPathComponent("jobctl/jobs.sqlite")) == 0o600)
        }
    }
}
