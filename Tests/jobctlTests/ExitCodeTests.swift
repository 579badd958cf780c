import Foundation
import JobCore
import JobCoreTesting
import Testing

/// The exit codes and one-line messages of failures the library reports.
@Suite struct ExitCodeTests {
    @Test func aCommandThatCannotBeStartedExits127() async throws {
        try await JobctlEnvironment.with { env in
            let output = try await env.jobctl(["run", "--", "/nonexistent/jobctl-test-command"])
            #expect(output.status == 127, "\(output.stderr)")
            #expect(output.stderr.contains("could not be started"))
        }
    }

    @Test func theStoresRefusalsExit3And4WithTheJobInTheMessage() async throws {
        try await JobctlEnvironment.with { env in
            let missing = try await env.jobctl(["show", "01JD6Q3S9Y6A2W0N4M2C7B8K5E"])
            #expect(missing.status == 3)
            #expect(missing.stderr == "jobctl: no such job: 01JD6Q3S9Y6A2W0N4M2C7B8K5E\n")

            let done = try await env.jobctl(["run", "--", "true"])
            let id = String(try #require(done.stderr.split(separator: "\n").first { $0.hasPrefix("job ") }).dropFirst(4))
            let cancel = try await env.jobctl(["cancel", id])
            #expect(cancel.status == 4)
            #expect(cancel.stderr == "jobctl: job \(id) (succeeded): a finished job cannot be cancelled\n")
            #expect(cancel.stderr.split(separator: "\n").count == 1)
            let kill = try await env.jobctl(["kill", id])
            #expect(kill.status == 4)
            #expect(kill.stderr.contains("not running"))
        }
    }

    @Test func aJobThatCannotRunAsDescribedIsInvalidInputAndCreatesNothing() async throws {
        try await JobctlEnvironment.with { env in
            for arguments in [["run", "--push", "--", "true"], ["enqueue", "--env", "JOB_KEY=x", "--", "true"], ["enqueue", "--", ""]] {
                let output = try await env.jobctl(arguments)
                #expect(output.status == 2, "\(arguments): \(output.stderr)")
                #expect(output.stderr.hasPrefix("jobctl: "), "\(output.stderr)")
            }
            let limit = try await env.jobctl(["list", "--limit", "0"])
            #expect(limit.status == 2)
            #expect(limit.stderr == "jobctl: the page limit must be positive\n")
            let missingCommand = try await env.jobctl(["enqueue"])
            #expect(missingCommand.status == 2)
            #expect(missingCommand.stderr.contains("<command>"))
            let list = try await env.jobctl(["list", "--json"])
            #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.isEmpty == true)
        }
    }
}
