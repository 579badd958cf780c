import CJobCoreProcess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state a ``SupervisedProcess`` shares with its monitor thread: the control socket to the
/// guardian and the exit status with whoever waits for it.
final class ProcessLifecycle: Sendable {
    private struct State {
        /// The worker's end of the control socket; -1 once the process has finished.
        var controlFD: Int32
        var exitStatus: ExitStatus?
        var leaseExpired = false
        var nextWaiterID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<ExitStatus, any Error>] = [:]
        var uncancellableWaiters: [CheckedContinuation<ExitStatus, Never>] = []
    }

    private let state: Mutex<State>

    init(controlFD: Int32) {
        state = Mutex(State(controlFD: controlFD))
    }

    var exitStatus: ExitStatus? { state.withLock { $0.exitStatus } }

    /// Whether the guardian stopped the command because its lease was not extended in time.
    var stoppedForLease: Bool { state.withLock { $0.leaseExpired } }

    /// Called by the monitor when the guardian reports that the lease ran out.
    func leaseExpired() {
        state.withLock { $0.leaseExpired = true }
    }

    /// Moves the guardian's lease deadline. Returns false when the process has finished or the
    /// guardian could not be reached.
    @discardableResult
    func extendLease(to deadline: Int64) -> Bool {
        state.withLock { state in
            state.controlFD >= 0 && jobcore_send_lease(state.controlFD, deadline) == 0
        }
    }

    /// Asks the guardian to send `signals` to the command's process group, in order. Returns false
    /// when the process has already finished or the guardian could not be reached. The guardian signals the group only while it still
    /// holds the unreaped command, so a signal never reaches a reused process group id.
    @discardableResult
    func send(_ signals: Int32...) -> Bool {
        // Sending under the lock keeps finish() from closing (and the process from reusing) the
        // descriptor meanwhile; a send never blocks.
        state.withLock { state in
            guard state.controlFD >= 0 else { return false }
            for signal in signals where jobcore_send_control(state.controlFD, signal) != 0 {
                return false
            }
            return true
        }
    }

    /// Records the exit status, closes the control socket and resumes every waiter.
    func finish(_ status: ExitStatus) {
        let (waiters, uncancellable) = state.withLock { state in
            if state.controlFD >= 0 {
                close(state.controlFD)
                state.controlFD = -1
            }
            state.exitStatus = status
            defer {
                state.waiters.removeAll()
                state.uncancellableWaiters.removeAll()
            }
            return (Array(state.waiters.values), state.uncancellableWaiters)
        }
        waiters.forEach { $0.resume(returning: status) }
        uncancellable.forEach { $0.resume(returning: status) }
    }

    /// Waits for the exit status.
    /// - Throws: `CancellationError` when the waiting task is cancelled first.
    func wait() async throws -> ExitStatus {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ExitStatus, any Error>) in
                enum Action { case resume(ExitStatus), cancel, wait }
                let action = state.withLock { state -> Action in
                    if let status = state.exitStatus { return .resume(status) }
                    if Task.isCancelled { return .cancel }
                    state.waiters[id] = continuation
                    return .wait
                }
                switch action {
                case .resume(let status): continuation.resume(returning: status)
                case .cancel: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }

    /// Waits for the exit status, ignoring cancellation. Used only after the process was told to
    /// die, so the wait is bounded.
    func waitIgnoringCancellation() async -> ExitStatus {
        await withCheckedContinuation { (continuation: CheckedContinuation<ExitStatus, Never>) in
            let status = state.withLock { state -> ExitStatus? in
                if let status = state.exitStatus { return status }
                state.uncancellableWaiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }
}
