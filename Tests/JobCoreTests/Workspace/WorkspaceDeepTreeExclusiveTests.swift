import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Issue 17 item 10: a job can leave any tree in its workspace. Removal is iterative, so depth
/// neither overflows the stack (the recursive removal died with SIGSEGV at 30,000 levels) nor
/// needs a descriptor per level. Making and removing 30,000 levels takes a while on a loaded
/// machine, so `scripts/test` runs it on its own (its name holds `Exclusive`).
@Suite(.timeLimit(.minutes(3))) struct WorkspaceDeepTreeExclusiveTests {
    /// Makes `depth` nested directories below `directory` with `openat`/`mkdirat` (the path is far
    /// longer than PATH_MAX), with a file and a mode-0 directory every 1,000 levels.
    static func makeDeepTree(in directory: String, depth: Int) throws {
        var current = open(directory, O_RDONLY | O_DIRECTORY)
        try #require(current >= 0)
        for level in 0..<depth {
            try #require(mkdirat(current, "d", 0o755) == 0)
            if level % 1000 == 0 {
                let file = openat(current, "file.txt", O_WRONLY | O_CREAT, 0o600)
                close(file)
                mkdirat(current, "locked", 0)
            }
            let next = openat(current, "d", O_RDONLY | O_DIRECTORY)
            close(current)
            try #require(next >= 0)
            current = next
        }
        close(current)
    }

    @Test func cleanupRemovesATreeThirtyThousandLevelsDeep() async throws {
        try await TemporaryDirectory.with(prefix: "deep") { root in
            let manager = LocalWorkspaceManager(configuration: .init(root: root.path))
            let workspace = try await manager.create(WorkspaceOptions(source: nil))
            try Self.makeDeepTree(in: workspace.directory, depth: 30_000)
            let descriptorsBefore = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
            await workspace.cleanup()
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
            // No descriptor is left open (other tests run alongside, so allow some slack).
            #expect(try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count < descriptorsBefore + 16)
        }
    }

    @Test func theSweepRemovesADeepWideTreeWithOddNames() async throws {
        try await TemporaryDirectory.with(prefix: "deep") { root in
            let stale = root.appendingPathComponent("jobcore-ws-deep")
            try FileManager.default.createDirectory(at: stale.appendingPathComponent("work"), withIntermediateDirectories: true)
            try Self.makeDeepTree(in: stale.appendingPathComponent("work").path, depth: 5_000)
            // A wide directory (more names than one batch), a name that is not UTF-8, and a
            // directory named like the removal's own temporary names.
            let wide = stale.appendingPathComponent("work/wide")
            try FileManager.default.createDirectory(at: wide, withIntermediateDirectories: true)
            for index in 0..<1_000 { FileManager.default.createFile(atPath: wide.appendingPathComponent("f\(index)").path, contents: nil) }
            let odd: [CChar] = [0x6f, CChar(bitPattern: 0xff), CChar(bitPattern: 0xfe), 0]
            let wideFD = open(wide.path, O_RDONLY | O_DIRECTORY)
            #expect(mkdirat(wideFD, odd, 0o700) == 0)
            close(wideFD)
            try FileManager.default.createDirectory(at: stale.appendingPathComponent(".jobcore-rm-1/x"), withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 0)], ofItemAtPath: stale.path)

            let manager = LocalWorkspaceManager(configuration: .init(root: root.path))
            #expect(await manager.sweepStale(olderThan: .seconds(60)) == [stale.path])
            #expect(!FileManager.default.fileExists(atPath: stale.path))
        }
    }
}
