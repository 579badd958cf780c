import Foundation
import JobCore
import JobCoreTesting
import Synchronization
import Testing

/// Issue 18 §1: a clone reports its phases as git does — receiving objects, resolving deltas,
/// checking out files — to library callers through the progress closure.
@Suite(.timeLimit(.minutes(3))) struct CloneProgressTests {
    @Test func aCloneReportsEachPhaseInOrderToItsEnd() async throws {
        try await TemporaryDirectory.with(prefix: "progress") { root in
            try GitFixture.makeBareRepository(at: root.appendingPathComponent("srv/acme/big.git"), spec: .init(commits: 40, files: 600))
            let server = try await LocalGitServer.start(root: root.appendingPathComponent("srv"))
            defer { Task { try? await server.shutdown() } }
            let reports = Mutex<[GitProgress]>([])
            let result = try await GitClient().clone(
                try RepositorySource.parse(server.url(for: "acme/big.git")), into: root.appendingPathComponent("out").path,
                progress: { progress in reports.withLock { $0.append(progress) } }
            )
            let seen = reports.withLock { $0 }
            #expect(!seen.isEmpty)
            // Phases never go back.
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.phase <= $1.phase })
            let received = try #require(seen.last { $0.phase == .receivingObjects })
            #expect(received.receivedObjects == received.totalObjects && received.totalObjects > 0)
            #expect(received.totalObjects == result.progress.totalObjects)
            let last = try #require(seen.last)
            #expect(last.phase == .checkingOut)
            #expect(last.checkedOutFiles == 600 && last.totalFiles == 600)
            #expect(last.receivedBytes == result.progress.receivedBytes, "the checkout's reports carry the transfer's figures")
        }
    }
}
