import Foundation

/// Runs blocking work (libgit2, `waitpid`, blocking reads) on a thread of its own, never on
/// Swift's cooperative thread pool, and resumes the caller with the result.
package enum DedicatedThread {
    /// Stack size for the threads: libgit2 recurses while walking trees.
    static let stackSize = 8 << 20

    /// Runs `body` on a new thread and returns its result.
    /// - Parameters:
    ///   - name: the thread's name, visible in debuggers and `top -H`.
    ///   - body: the blocking work. Cancellation is not forwarded; callers interrupt `body`
    ///     through their own flag (libgit2 callbacks, a kill) when the task is cancelled.
    package static func run<T: Sendable>(
        name: String,
        _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.stackSize = stackSize
            thread.start()
        }
    }
}
