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
                    if firstProgress.open() { resume.wait() }
                }
            }
            await firstProgress.waitOpened()
            task.cancel()
            resume.open()
            let error = await #expect(throws: GitError.self) { try await task.value }
            #expect(error?.code == .cancelled)
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
    }
}

/// A one-shot gate usable from any thread: `open()` returns true for the first caller only.
final class Gate: Sendable {
    private let state = Mutex<(opened: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    private let semaphore = DispatchSemaphore(value: 0)

    @discardableResult
    func open() -> Bool {
        let (first, waiters) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
            if state.opened { return (false, []) }
            state.opened = true
            defer { state.waiters = [] }
            return (true, state.waiters)
        }
        if first {
            waiters.forEach { $0.resume() }
            semaphore.signal()
        }
        return first
    }

    /// Blocks a thread (not a task) until opened.
    func wait() { semaphore.wait(); semaphore.signal() }

    func waitOpened() async {
        await withCheckedContinuation { continuation in
            let already = state.withLock { state -> Bool in
                if state.opened { return true }
                state.waiters.append(continuation)
                return false
            }
            if already { continuation.resume() }
        }
    }
}
