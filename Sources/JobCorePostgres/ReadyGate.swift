import Synchronization

/// Runs one piece of preparation (the migrations) once, the first time any caller needs it;
/// callers that arrive meanwhile wait for the same run. A failed run is tried again by the
/// next caller.
final class ReadyGate: Sendable {
    private enum State {
        case idle
        case running([CheckedContinuation<Bool, Never>])
        case ready
    }

    private let state = Mutex(State.idle)

    /// Whether the preparation has completed.
    var isReady: Bool {
        state.withLock { if case .ready = $0 { true } else { false } }
    }

    /// Returns once `prepare` has succeeded (in this call or an earlier one).
    /// - Throws: the error of `prepare` when this call ran it and it failed.
    func ensure(_ prepare: () async throws -> Void) async throws {
        while true {
            let leads = state.withLock { state -> Bool? in
                switch state {
                case .ready: return nil
                case .idle:
                    state = .running([])
                    return true
                case .running: return false
                }
            }
            switch leads {
            case nil:
                return
            case true?:
                do {
                    try await prepare()
                } catch {
                    finish(ready: false)
                    throw error
                }
                finish(ready: true)
                return
            case false?:
                let ready = await withCheckedContinuation { continuation in
                    let now = state.withLock { state -> Bool? in
                        switch state {
                        case .ready: return true
                        case .idle: return false
                        case .running(var waiters):
                            waiters.append(continuation)
                            state = .running(waiters)
                            return nil
                        }
                    }
                    if let now { continuation.resume(returning: now) }
                }
                if ready { return }
                // The run we waited for failed: try ourselves.
            }
        }
    }

    private func finish(ready: Bool) {
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            defer { state = ready ? .ready : .idle }
            if case .running(let waiters) = state { return waiters }
            return []
        }
        waiters.forEach { $0.resume(returning: ready) }
    }
}
