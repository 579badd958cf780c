import JobCore
import Synchronization

/// Watches attempts from the claimers' side: fails (records a violation) when an attempt of a
/// key starts while another attempt of the same key is still running.
final class KeyMonitor: Sendable {
    private struct State {
        var running: [String: JobID] = [:]
        var violations: [String] = []
        var started = 0
        var mostKeysAtOnce = 0
    }

    private let state = Mutex(State())

    func start(_ job: JobRecord) {
        guard let key = job.key else { return }
        state.withLock { state in
            if let other = state.running[key] {
                state.violations.append("key \(key): \(job.id) started while \(other) was running")
            }
            state.running[key] = job.id
            state.started += 1
            state.mostKeysAtOnce = max(state.mostKeysAtOnce, state.running.count)
        }
    }

    func end(_ job: JobRecord) {
        guard let key = job.key else { return }
        state.withLock { state in
            if state.running[key] == job.id { state.running[key] = nil }
        }
    }

    var violations: [String] { state.withLock { $0.violations } }
    var started: Int { state.withLock { $0.started } }
    /// The most keys running at one moment: proves the claimers did work in parallel.
    var mostKeysAtOnce: Int { state.withLock { $0.mostKeysAtOnce } }
}
