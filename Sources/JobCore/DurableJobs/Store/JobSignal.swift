import Synchronization

/// A wake-up signal: a store fires it when it makes jobs claimable in this process (enqueue,
/// retry, release), so a worker in the same process claims at once instead of at its next poll.
///
/// Waiters remember the ``generation`` they saw before looking for work, then wait for it to
/// change, so a signal fired in between is never missed. A store that can also be woken from
/// other processes starts listening for them when a waiter first reads the generation
/// (`prepare`), so that it hears every wake-up sent after the waiter looked for work.
@_spi(JobStoreImplementation)
public final class JobSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())
    private let prepare: (@Sendable (JobSignal) -> Void)?

    /// Creates a signal.
    /// - Parameter prepare: called whenever ``generation`` is read and at each ``wait(after:)``
    ///   (it must return quickly once it has done its work), e.g. to listen for other
    ///   processes' wake-ups.
    public init(prepare: (@Sendable (JobSignal) -> Void)? = nil) {
        self.prepare = prepare
    }

    /// The number of times the signal has fired.
    public var generation: UInt64 {
        prepare?(self)
        return state.withLock { $0.generation }
    }

    /// Fires the signal, waking every waiter.
    public func notify() {
        let waiters = state.withLock { state in
            state.generation &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns once the signal has fired after `generation`, or when the task is cancelled.
    public func wait(after generation: UInt64) async {
        prepare?(self)
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generation != generation || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
