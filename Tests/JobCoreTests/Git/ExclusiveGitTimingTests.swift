import Foundation
import JobCore
import JobCoreTesting
import Synchronization
import Testing

/// Checks with time bounds. `scripts/test` runs suites named `Exclusive…` on their own, after the
/// parallel run, so that other tests competing for the two cores don't distort them.
@Suite(.serialized) struct ExclusiveGitTimingTests {
    @Test func wrongTokenFailsInUnderTwoSeconds() async throws {
        try await withServedRepository(token: Secret("ghs_rightTokenValue_0000000")) { served, scratch in
            let start = ContinuousClock.now
            let error = await #expect(throws: GitError.self) {
                try await GitClient().clone(served.source, into: scratch.appendingPathComponent("x").path,
                                            credentials: .token(Secret("ghs_wrongTokenValue_1111111")))
            }
            #expect(ContinuousClock.now - start < .seconds(2))
            #expect(error?.code == .authentication)
        }
    }

    @Test func concurrentClonesDoNotBlockTheCooperativePool() async throws {
        try await withServedRepository(spec: GitFixture.Spec(commits: 20, files: 300, fileSize: 2048)) { served, scratch in
            let ticks = Mutex<[ContinuousClock.Instant]>([])
            let heartbeat = Task {
                while !Task.isCancelled {
                    ticks.withLock { $0.append(.now) }
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
            try await withThrowingTaskGroup(of: CloneResult.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await GitClient().clone(served.source, into: scratch.appendingPathComponent("c\(index)").path)
                    }
                }
                var commits = Set<String>()
                for try await result in group { commits.insert(result.commit) }
                #expect(commits.count == 1)
            }
            heartbeat.cancel()
            let recorded = ticks.withLock { $0 }
            let gaps = zip(recorded.dropFirst(), recorded).map { $0 - $1 }
            // Blocking libgit2 calls on the cooperative pool (2 threads here) would stall the heartbeat.
            #expect(recorded.count > 10)
            #expect(gaps.max() ?? .zero < .milliseconds(500))
        }
    }
}
