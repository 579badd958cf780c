import Dispatch
import Synchronization

/// A one-shot gate: tasks (and, with ``blockingWait()``, threads) wait until it is opened.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    private let semaphore = DispatchSemaphore(value: 0)

    /// Opens the gate. Returns true for the call that opened it.
    @discardableResult
    func open() -> Bool {
        let (first, waiters) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
            if state.open { return (false, []) }
            state.open = true
            defer { state.waiters = [] }
            return (true, state.waiters)
        }
        if first {
            waiters.forEach { $0.resume() }
            semaphore.signal()
        }
        return first
    }

    /// Waits until the gate is open.
    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
    }

    /// Blocks the calling thread (never a task) until the gate is open.
    func blockingWait() {
        semaphore.wait()
        semaphore.signal()
    }
}
