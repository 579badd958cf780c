import Foundation
import JobCore
import JobCoreTesting
import Synchronization
import Testing

@Suite struct GitConcurrencyTests {
    @Test func cancellingAnInFlightCloneRemovesTheDirectory() async throws {
        let spec = GitFixture.Spec(commits: 2, files: 400, fileSize: 4096)
        try await withServedRepository(spec: spec) { served, scratch in
            let target = scratch.appendingPathComponent("cancelled")
            let firstProgress = Gate()
            let resume = Gate()
            let task = Task {
                try await GitClient().clone(served.source, into: target.path) { _ in
                    // Hold the transfer at its first progress report until the test has cancelled.
                    if firstProgress.open() { resume.blockingWait() }
                }
            }
            try await firstProgress.wait()
            task.cancel()
            resume.open()
            let error = await #expect(throws: GitError.self) { try await task.value }
            #expect(error?.code == .cancelled)
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
    }
}
