import Foundation
import Synchronization

/// A shutdown request: whether one was made and until when running jobs may go on.
final class ShutdownRequest: Sendable {
    private let state = Mutex<Date?>(nil)
    let signal = JobSignal()

    var isRequested: Bool { state.withLock { $0 != nil } }
    var deadline: Date? { state.withLock { $0 } }

    /// Requests shutdown; a second request can only bring the deadline closer.
    func request(deadline: Date) {
        state.withLock { current in current = min(current ?? deadline, deadline) }
        signal.notify()
    }
}
