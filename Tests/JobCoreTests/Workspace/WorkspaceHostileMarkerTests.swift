import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Issue 17 item 9: a job can replace its workspace's `owner.json` with anything. The sweep
/// reads only regular files, without blocking, and only so much of them.
@Suite(.timeLimit(.minutes(3))) struct WorkspaceHostileMarkerTests {
    private func makeOld(_ url: URL) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 0)], ofItemAtPath: url.path)
    }

    @Test func aFIFOMarkerDoesNotHangTheSweep() async throws {
        try await TemporaryDirectory.with(prefix: "sweep") { root in
            let workspace = root.appendingPathComponent("jobcore-ws-fifo")
            try FileManager.default.createDirectory(at: workspace.appendingPathComponent("work"), withIntermediateDirectories: true)
            // Before the fix, opening this FIFO for reading waited for a writer for ever.
            #expect(mkfifo(workspace.appendingPathComponent("owner.json").path, 0o600) == 0)
            try makeOld(workspace)
            let manager = LocalWorkspaceManager(configuration: .init(root: root.path))
            let removed = await manager.sweepStale(olderThan: .seconds(3600))
            #expect(removed == [workspace.path])
        }
    }

    @Test func anOversizedOrSpecialMarkerIsIgnored() async throws {
        try await TemporaryDirectory.with(prefix: "sweep") { root in
            // A huge marker (a sparse 1 GiB file) and a marker that is a link to a device.
            let huge = root.appendingPathComponent("jobcore-ws-huge")
            try FileManager.default.createDirectory(at: huge, withIntermediateDirectories: true)
            let handle = try FileHandle(forWritingTo: { () -> URL in
                let url = huge.appendingPathComponent("owner.json")
                FileManager.default.createFile(atPath: url.path, contents: nil)
                return url
            }())
            try handle.truncate(atOffset: 1 << 30)
            try handle.close()
            try makeOld(huge)
            let device = root.appendingPathComponent("jobcore-ws-device")
            try FileManager.default.createDirectory(at: device, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: device.appendingPathComponent("owner.json").path, withDestinationPath: "/dev/zero")
            try makeOld(device)
            let manager = LocalWorkspaceManager(configuration: .init(root: root.path))
            let removed = await manager.sweepStale(olderThan: .seconds(3600))
            #expect(Set(removed) == [huge.path, device.path])
        }
    }
}
