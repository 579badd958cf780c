import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Issue 17 item 17: SIGHUP (the terminal closed) stops `run` like Ctrl-C: cancelled, cleaned up, recorded.
@Suite struct RunSignalTests {
    @Test(arguments: [SIGHUP, SIGTERM])
    func aHangupCancelsTheJobRemovesTheWorkspaceAndExits130(_ signal: Int32) async throws {
        try await JobctlEnvironment.with { env in
            let pids = env.root.appendingPathComponent("pids")
            let script = #"sleep 1000 & echo $! >> "$PIDS"; echo $$ >> "$PIDS"; wait"#
            let run = try BackgroundJobctl(["run", "--repo", env.repository.path, "--env", "PIDS=\(pids.path)", "--", "sh", "-c", script],
                                           environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
            let started = try await env.waitForFile(pids, lines: 2).compactMap { Int32($0) }
            run.signal(signal)
            let output = try await run.finish()
            #expect(output.status == 130, "\(output.stderr)")
            #expect(await JobctlEnvironment.allGone(started))
            #expect(try FileManager.default.contentsOfDirectory(atPath: env.workspaces.path).isEmpty)
            let list = try await env.jobctl(["list", "--json"])
            let jobs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
            #expect(jobs?.first?["state"] as? String == "cancelled")
        }
    }
}
