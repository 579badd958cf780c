import Foundation
import JobCoreTesting
import Testing

/// Issue 17, item 2: a job command must not read the worker's environment through its parent
/// (the guardian, a fork of the worker), and jobctl keeps other processes out of its memory.
@Suite struct ProcessSecretsTests {
    @Test func theCommandsParentShowsNoneOfTheWorkersEnvironment() async throws {
        try await JobctlEnvironment.with { env in
            let secret = "ghs_workerSecret_\(UInt32.random(in: 0...UInt32.max))"
            let output = try await env.jobctl([
                "run", "--repo", env.repository.path, "--",
                "sh", "-c", #"echo "parent:$(tr '\0' '\n' < /proc/$PPID/environ)""#,
            ], environment: ["GITHUB_TOKEN": secret, "JOBCORE_TEST_MARKER": "worker-environment"])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout.contains("parent:"), "\(output.stdout)")
            // The guardian's copy of the worker's initial environment is wiped.
            #expect(!output.stdout.contains(secret))
            #expect(!output.stdout.contains("worker-environment"))
        }
    }

    /// Non-dumpable: processes of the same user, other than root, can read neither its
    /// /proc/PID/environ nor its memory, and a crash writes no core.
    @Test func jobctlIsNotDumpable() async throws {
        try await JobctlEnvironment.with { env in
            let output = try await env.jobctl(["doctor", "--json"])
            let report = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
            #expect(report?["memoryProtected"] as? Bool == true, "\(output.stdout)")
        }
    }
}
