import Foundation
import JobCore
import JobCoreTesting
import Testing

@Suite struct WorkspaceSweepTests {
    /// The pid of a process that has exited.
    func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    func makeWorkspaceDirectory(_ root: URL, name: String, pid: Int32, createdAt: Date) throws -> URL {
        let directory = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("work"), withIntermediateDirectories: true)
        let formatter = ISO8601DateFormatter()
        let marker = #"{"pid":\#(pid),"createdAt":"\#(formatter.string(from: createdAt))","host":"\#(ProcessInfo.processInfo.hostName)"}"#
        try Data(marker.utf8).write(to: directory.appendingPathComponent("owner.json"))
        try Data("x".utf8).write(to: directory.appendingPathComponent("work/file.txt"))
        return directory
    }

    @Test func removesOnlyOldWorkspacesOfDeadOwners() async throws {
        try await TemporaryDirectory.with(prefix: "sweep") { root in
            let clock = ManualClock()
            let manager = LocalWorkspaceManager(configuration: .init(root: root.path), clock: clock)
            let dead = try deadPID()
            let old = clock.now.addingTimeInterval(-7200)
            let staleDead = try makeWorkspaceDirectory(root, name: "jobcore-ws-stale", pid: dead, createdAt: old)
            let youngDead = try makeWorkspaceDirectory(root, name: "jobcore-ws-young", pid: dead, createdAt: clock.now.addingTimeInterval(-60))
            let oldLive = try makeWorkspaceDirectory(root, name: "jobcore-ws-live", pid: getpid(), createdAt: old)
            let foreign = try makeWorkspaceDirectory(root, name: "someone-elses", pid: dead, createdAt: old)

            let removed = await manager.sweepStale(olderThan: .seconds(3600))
            #expect(removed == [staleDead.path])
            for kept in [youngDead, oldLive, foreign] {
                #expect(FileManager.default.fileExists(atPath: kept.path))
            }
            // Time passes: the young one becomes stale too.
            clock.advance(by: .seconds(3600))
            #expect(await manager.sweepStale(olderThan: .seconds(3600)) == [youngDead.path])
        }
    }

    @Test func neverFollowsSymbolicLinks() async throws {
        try await TemporaryDirectory.with(prefix: "sweep") { root in
            let outside = try TemporaryDirectory(prefix: "outside")
            defer { outside.remove() }
            let precious = outside.url.appendingPathComponent("precious.txt")
            try Data("keep me".utf8).write(to: precious)
            try FileManager.default.createDirectory(at: outside.url.appendingPathComponent("sub"), withIntermediateDirectories: true)
            try Data("me too".utf8).write(to: outside.url.appendingPathComponent("sub/inner.txt"))

            let manager = LocalWorkspaceManager(configuration: .init(root: root.path))
            let stale = try makeWorkspaceDirectory(root, name: "jobcore-ws-links", pid: try deadPID(), createdAt: Date(timeIntervalSince1970: 0))
            // Links inside the workspace to a directory and a file outside it.
            try FileManager.default.createSymbolicLink(at: stale.appendingPathComponent("work/to-dir"), withDestinationURL: outside.url)
            try FileManager.default.createSymbolicLink(at: stale.appendingPathComponent("work/to-file"), withDestinationURL: precious)
            // A link at the top level that carries our prefix and points outside.
            try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("jobcore-ws-trap"), withDestinationURL: outside.url)
            // A read-only directory inside the workspace.
            let locked = stale.appendingPathComponent("work/locked")
            try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: locked.appendingPathComponent("f"))
            try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: locked.path)

            let removed = await manager.sweepStale(olderThan: .seconds(1))
            #expect(removed == [stale.path])
            #expect(!FileManager.default.fileExists(atPath: stale.path))
            #expect(try String(contentsOf: precious, encoding: .utf8) == "keep me")
            #expect(try String(contentsOf: outside.url.appendingPathComponent("sub/inner.txt"), encoding: .utf8) == "me too")
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent("jobcore-ws-trap").path)) != nil)
        }
    }

    @Test func sweepsAWorkspaceWhoseMarkerIsMissing() async throws {
        try await TemporaryDirectory.with(prefix: "sweep") { root in
            let clock = ManualClock(start: Date())
            let orphan = root.appendingPathComponent("jobcore-ws-nomarker")
            try FileManager.default.createDirectory(at: orphan, withIntermediateDirectories: true)
            let manager = LocalWorkspaceManager(configuration: .init(root: root.path), clock: clock)
            #expect(await manager.sweepStale(olderThan: .seconds(600)).isEmpty)
            clock.advance(by: .seconds(3600))
            #expect(await manager.sweepStale(olderThan: .seconds(600)) == [orphan.path])
        }
    }

    @Test func liveWorkspaceOfThisProcessIsKept() async throws {
        try await withServedRepository { served, root in
            let manager = LocalWorkspaceManager(configuration: .init(root: root.path))
            let workspace = try await manager.create(WorkspaceOptions(source: served.source))
            #expect(await manager.sweepStale(olderThan: .zero).isEmpty)
            #expect(FileManager.default.fileExists(atPath: workspace.directory))
            await workspace.cleanup()
        }
    }
}
