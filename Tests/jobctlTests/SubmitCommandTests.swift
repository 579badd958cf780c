import Foundation
import JobCore
import JobCoreTesting
import Testing

/// `jobctl submit PLAN` (issue 12 §3): a graph of command jobs in one transaction.
@Suite struct SubmitCommandTests {
    func submit(_ env: JobctlEnvironment, _ plan: String, _ extra: [String] = []) async throws -> JobctlProcess.Output {
        let file = env.root.appendingPathComponent("plan-\(UUID().uuidString).json")
        try plan.write(to: file, atomically: true, encoding: .utf8)
        return try await env.jobctl(["submit", file.path] + extra)
    }

    @Test func aPlanIsEnqueuedAtOnceAndRunsInDependencyOrder() async throws {
        try await JobctlEnvironment.with { env in
            let marker = env.root.appendingPathComponent("order.txt").path
            let plan = """
                {"jobs": [
                  {"name": "last", "dependsOn": ["wave1"], "command": ["sh", "-c", "echo last >> '\(marker)'"]},
                  {"name": "wave1", "key": "acme", "priority": 5, "timeout": "2m", "maxAttempts": 2, "env": {"TASK": "1.1"},
                   "idempotencyKey": "plan-wave1-never-referenced-twice", "command": ["sh", "-c", "echo $TASK >> '\(marker)'"]},
                  {"name": "lenient", "dependsOn": ["wave1"], "dependencyMode": "finished", "push": false,
                   "command": ["sh", "-c", "echo lenient >> '\(marker)'"]}
                ]}
                """
            // A job another depends on cannot carry an idempotency key (it may stand for a stored job).
            let refused = try await submit(env, plan)
            #expect(refused.status == 2, "\(refused.stderr)")
            #expect(refused.stderr.contains("plan job 'wave1'"), "\(refused.stderr)")
            let output = try await submit(env, plan.replacingOccurrences(of: "\"idempotencyKey\": \"plan-wave1-never-referenced-twice\", ", with: ""), ["--json"])
            #expect(output.status == 0, "\(output.stderr)")
            let ids = try #require((try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])?["jobs"] as? [String: String])
            #expect(Set(ids.keys) == ["last", "wave1", "lenient"])
            let wave1 = try await env.show(ids["wave1"]!)
            #expect(wave1["key"] as? String == "acme")
            #expect(wave1["priority"] as? Int == 5)
            #expect(wave1["maxAttempts"] as? Int == 2)
            #expect(wave1["timeoutSeconds"] as? Double == 120)
            let last = try await env.show(ids["last"]!)
            #expect(last["state"] as? String == "waiting")
            #expect(last["dependsOn"] as? [String] == [ids["wave1"]!])
            #expect(try await env.show(ids["lenient"]!)["dependencyMode"] as? String == "finished")

            let worker = try await env.jobctl(["worker", "--drain"])
            #expect(worker.status == 0, "\(worker.stderr)")
            let lines = try String(contentsOfFile: marker, encoding: .utf8).split(separator: "\n")
            #expect(lines.first == "1.1", "\(lines)")
            #expect(Set(lines) == ["1.1", "last", "lenient"])
        }
    }

    @Test(arguments: [
        (#"{"jobs": [{"name": "a", "dependsOn": ["b"], "command": ["true"]}, {"name": "b", "dependsOn": ["a"], "command": ["true"]}]}"#, "cycle"),
        (#"{"jobs": [{"name": "a", "dependsOn": ["nope"], "command": ["true"]}]}"#, "plan job 'a': dependsOn names 'nope'"),
        (#"{"jobs": [{"name": "a", "branch": "a..b", "command": ["true"]}]}"#, "plan job 'a'"),
        (#"{"jobs": [{"name": "a", "colour": "red", "command": ["true"]}]}"#, "plan job 'a'"),
        (#"{"jobs": [{"name": "a"}]}"#, "plan job 'a': \"command\" is missing"),
        (#"{"jobs": [{"name": "a", "command": ["true"]}, {"name": "a", "command": ["true"]}]}"#, "the name is used twice"),
        (#"{"jobs": [{"name": "g", "group": true, "children": []}]}"#, "plan job 'g'"),
        (#"{"jobs": [{"command": ["true"]}]}"#, "job 1 of the plan needs a \"name\""),
        (#"[1, 2]"#, "\"jobs\" array"),
        (#"not json"#, "not JSON"),
    ])
    func anInvalidPlanExits2NamingTheJobAndCreatesNothing(plan: String, message: String) async throws {
        try await JobctlEnvironment.with { env in
            let output = try await submit(env, plan)
            #expect(output.status == 2, "\(output.stderr)")
            #expect(output.stderr.contains(message), "\(output.stderr)")
            let list = try await env.jobctl(["list", "--json"])
            #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.isEmpty == true, "\(list.stdout)")
        }
    }

    @Test func anUnknownStoredDependencyExits3() async throws {
        try await JobctlEnvironment.with { env in
            let unknown = JobID.make(at: Date()).rawValue
            let output = try await submit(env, #"{"jobs": [{"name": "fine", "command": ["true"]}, {"name": "a", "dependsOn": ["fine", "\#(unknown)"], "command": ["true"]}]}"#)
            #expect(output.status == 3, "\(output.stderr)")
            #expect(output.stderr.contains(unknown))
        }
    }

    /// Two waves of parallel work orders as groups: the second waits for the whole first one;
    /// `show` prints the tree and `list --parent` its children.
    @Test func groupsHoldChildrenAndTheNextWaveWaitsForThem() async throws {
        try await JobctlEnvironment.with { env in
            let marker = env.root.appendingPathComponent("order.txt").path
            let plan = """
                {"jobs": [
                  {"name": "wave2", "dependsOn": ["wave1"], "command": ["sh", "-c", "echo merge >> '\(marker)'"]},
                  {"name": "wave1", "group": true, "children": [
                    {"name": "cancel", "key": "acme", "command": ["sh", "-c", "echo cancel >> '\(marker)'"]},
                    {"name": "purge", "command": ["sh", "-c", "echo purge >> '\(marker)'"], "children": [
                      {"name": "purge-docs", "command": ["sh", "-c", "echo docs >> '\(marker)'"]}
                    ]}
                  ]}
                ]}
                """
            let output = try await submit(env, plan, ["--json"])
            #expect(output.status == 0, "\(output.stderr)")
            let ids = try #require((try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])?["jobs"] as? [String: String])
            #expect(Set(ids.keys) == ["wave1", "wave2", "cancel", "purge", "purge-docs"])
            let group = try await env.show(ids["wave1"]!)
            #expect(group["state"] as? String == "waiting")
            #expect(group["children"] as? [String: Int] == ["queued": 2])
            #expect(try await env.show(ids["purge-docs"]!)["parent"] as? String == ids["purge"]!)
            let children = try await env.jobctl(["list", "--parent", ids["wave1"]!, "--json"])
            let listed = try #require(try JSONSerialization.jsonObject(with: Data(children.stdout.utf8)) as? [[String: Any]])
            #expect(Set(listed.compactMap { $0["id"] as? String }) == [ids["cancel"]!, ids["purge"]!])

            let worker = try await env.jobctl(["worker", "--drain"])
            #expect(worker.status == 0, "\(worker.stderr)")
            let lines = try String(contentsOfFile: marker, encoding: .utf8).split(separator: "\n")
            #expect(lines.last == "merge", "the second wave ran after every job of the first: \(lines)")
            #expect(Set(lines) == ["cancel", "purge", "docs", "merge"])
            #expect(try await env.show(ids["wave1"]!)["state"] as? String == "succeeded")

            let tree = try await env.jobctl(["show", ids["wave1"]!])
            #expect(tree.status == 0, "\(tree.stderr)")
            #expect(tree.stdout.split(separator: "\n").contains { $0.hasPrefix("children ") && $0.hasSuffix(" 2 succeeded") }, "\(tree.stdout)")
            #expect(tree.stdout.contains("\n  \(ids["purge"]!) succeeded sh -c echo purge"), "\(tree.stdout)")
            #expect(tree.stdout.contains("\n    \(ids["purge-docs"]!) succeeded"), "indented under its parent: \(tree.stdout)")
        }
    }

    @Test func aGroupTakesOnlyItsDependencies() async throws {
        try await JobctlEnvironment.with { env in
            let output = try await submit(env, #"{"jobs": [{"name": "g", "group": true, "timeout": "1m", "children": [{"name": "c", "command": ["true"]}]}]}"#)
            #expect(output.status == 2, "\(output.stderr)")
            #expect(output.stderr.contains("plan job 'g': a group has no command of its own: 'timeout' does not apply"), "\(output.stderr)")
        }
    }
}
