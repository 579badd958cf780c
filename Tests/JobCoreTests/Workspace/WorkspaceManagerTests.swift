import Foundation
import JobCore
import JobCoreTesting
import Logging
import Testing

@Suite struct WorkspaceManagerTests {
    func manager(root: URL, clock: any WallClock = SystemClock(), logger: LogCapture? = nil) -> LocalWorkspaceManager {
        let configuration = LocalWorkspaceManager.Configuration(root: root.path)
        return logger.map { LocalWorkspaceManager(configuration: configuration, clock: clock, logger: $0.logger()) }
            ?? LocalWorkspaceManager(configuration: configuration, clock: clock)
    }

    func entries(_ root: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    }

    @Test func workspaceIsAPrivateCloneOnTheFeatureBranchAndIsRemovedAfterwards() async throws {
        try await withServedRepository { served, root in
            let logs = LogCapture()
            let manager = manager(root: root, logger: logs)
            let options = WorkspaceOptions(source: served.source, branch: "agent/issue-42", jobID: "job-1")
            let seen = try await manager.withWorkspace(options) { workspace in
                #expect(workspace.branch == "agent/issue-42")
                #expect(workspace.isShallow)
                #expect(try git("symbolic-ref", "HEAD", in: URL(fileURLWithPath: workspace.directory)) == "refs/heads/agent/issue-42")
                #expect(try git("rev-parse", "HEAD", in: URL(fileURLWithPath: workspace.directory)) == workspace.baseCommit)
                let container = URL(fileURLWithPath: workspace.directory).deletingLastPathComponent()
                #expect(container.lastPathComponent.hasPrefix("jobcore-ws-"))
                let attributes = try FileManager.default.attributesOfItem(atPath: container.path)
                #expect((attributes[.posixPermissions] as? Int) == 0o700)
                let marker = try JSONSerialization.jsonObject(with: Data(contentsOf: container.appendingPathComponent("owner.json"))) as? [String: Any]
                #expect(marker?["jobID"] as? String == "job-1")
                #expect(marker?["pid"] as? Int == Int(getpid()))
                return workspace.directory
            }
            #expect(!FileManager.default.fileExists(atPath: seen))
            #expect(entries(root).isEmpty)
            #expect(logs.records.contains { $0.metadata["job.id"] == "job-1" && $0.metadata["branch"] == "agent/issue-42" })
        }
    }

    @Test func nothingIsLeftAfterAThrow() async throws {
        struct Boom: Error {}
        try await withServedRepository { served, root in
            await #expect(throws: Boom.self) {
                try await manager(root: root).withWorkspace(WorkspaceOptions(source: served.source)) { _ in throw Boom() }
            }
            #expect(entries(root).isEmpty)
        }
    }

    @Test func nothingIsLeftAfterCancellation() async throws {
        try await withServedRepository { served, root in
            let entered = Gate()
            let task = Task {
                try await manager(root: root).withWorkspace(WorkspaceOptions(source: served.source)) { _ in
                    entered.open()
                    // Waits until cancelled.
                    try await Task.sleep(for: .seconds(3600))
                }
            }
            try await entered.wait()
            #expect(entries(root).count == 1)
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(entries(root).isEmpty)
        }
    }

    @Test func cleanupIsIdempotent() async throws {
        try await withServedRepository { served, root in
            let workspace = try await manager(root: root).create(WorkspaceOptions(source: served.source))
            await workspace.cleanup()
            await workspace.cleanup()
            #expect(workspace.isRemoved)
            #expect(entries(root).isEmpty)
        }
    }

    @Test(arguments: ["-rf", "a..b", "@", "x y", "x.lock", "a/", "HEAD", "a@{1}", "a~1"])
    func invalidBranchNameIsRejectedBeforeAnythingIsCreated(branch: String) async throws {
        try await withServedRepository { served, root in
            let error = await #expect(throws: GitError.self) {
                try await manager(root: root).create(WorkspaceOptions(source: served.source, branch: branch))
            }
            #expect(error?.code == .invalidInput)
            #expect(entries(root).isEmpty)
            #expect(served.server.requestCount == 0)
        }
    }

    @Test func fiftyConcurrentWorkspacesAreIndependent() async throws {
        try await withServedRepository { served, root in
            let manager = manager(root: root)
            let workspaces = try await withThrowingTaskGroup(of: Workspace.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let workspace = try await manager.create(WorkspaceOptions(source: served.source, branch: "agent/w\(index)"))
                        try Data("workspace \(index)\n".utf8).write(to: URL(fileURLWithPath: workspace.directory).appendingPathComponent("mine.txt"))
                        _ = try await workspace.commitAll(message: "work \(index)")
                        return workspace
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(workspaces.map(\.directory)).count == 50)
            for workspace in workspaces {
                let directory = URL(fileURLWithPath: workspace.directory)
                let index = workspace.branch!.dropFirst("agent/w".count)
                #expect(try String(contentsOf: directory.appendingPathComponent("mine.txt"), encoding: .utf8) == "workspace \(index)\n")
                #expect(try git("log", "-1", "--format=%s", in: directory) == "work \(index)")
                #expect(try git("status", "--porcelain", in: directory).isEmpty)
            }
            await withTaskGroup(of: Void.self) { group in
                for workspace in workspaces { group.addTask { await workspace.cleanup() } }
            }
            #expect(entries(root).isEmpty)
        }
    }
}
