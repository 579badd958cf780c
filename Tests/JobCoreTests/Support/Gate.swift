import Dispatch
import Synchronization

/// A one-shot gate that tasks (and, with ``blockingWait()``, threads) wait at until it opens.
/// Waiting throws `CancellationError` when the waiting task is cancelled, so an operation blocked
/// on a gate that never opens ends only by cancellation.
final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    }

    private let state = Mutex(State())
    private let semaphore = DispatchSemaphore(value: 0)

    /// Opens the gate. Returns true for the call that opened it.
    @discardableResult
    func open() -> Bool {
        let (first, waiters) = state.withLock { state -> (Bool, [CheckedContinuation<Void, any Error>]) in
            if state.isOpen { return (false, []) }
            state.isOpen = true
            defer { state.waiters = [:] }
            return (true, Array(state.waiters.values))
        }
        if first {
            waiters.forEach { $0.resume() }
            semaphore.signal()
        }
        return first
    }

    /// Waits until the gate is open, or throws `CancellationError` when the task is cancelled.
    func wait() async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Action { case resume, cancel, wait }
                let action = state.withLock { state -> Action in
                    if state.isOpen { return .resume }
                    if Task.isCancelled { return .cancel }
                    state.waiters[id] = continuation
                    return .wait
                }
                switch action {
                case .resume: continuation.resume()
                case .cancel: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }

    /// Blocks the calling thread (never a task) until the gate is open.
    func blockingWait() {
        semaphore.wait()
        semaphore.signal()
    }
}
