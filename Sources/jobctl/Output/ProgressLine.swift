import Foundation
import JobCore
import Synchronization

/// A clone's progress on a terminal, phase by phase as `git clone` shows it: one line per phase
/// (receiving objects with throughput, resolving deltas, checking out files), rewritten in place
/// when what it says has changed, at most ten times a second, and closed with ", done." when the
/// next phase starts.
final class ProgressLine: Sendable {
    private struct State {
        var phase: GitProgress.Phase?
        var last: GitProgress?
        var drawn: String?
        var drawnAt: ContinuousClock.Instant?
        var receivingSince: ContinuousClock.Instant?
        /// When the last object arrived: the throughput shown from then on is final.
        var receivedAt: ContinuousClock.Instant?
    }

    private let enabled: Bool
    private let state = Mutex(State())

    init(enabled: Bool) {
        self.enabled = enabled
    }

    var update: (@Sendable (GitProgress) -> Void)? {
        guard enabled else { return nil }
        return { [self] progress in draw(progress) }
    }

    private func draw(_ progress: GitProgress) {
        let now = ContinuousClock.now
        let output = state.withLock { state -> String in
            var output = ""
            if state.receivingSince == nil { state.receivingSince = now }
            if state.receivedAt == nil, progress.phase > .receivingObjects || progress.isPhaseComplete { state.receivedAt = now }
            let rateUntil = state.receivedAt ?? now
            if let phase = state.phase, progress.phase > phase, let last = state.last {
                // The previous phase is over: its final line, then a new one.
                output += "\r" + Self.text(last, completing: true, since: state.receivingSince, now: rateUntil) + "\u{1B}[K\n"
                state.drawn = nil
                state.drawnAt = nil
            } else if let phase = state.phase, progress.phase < phase {
                return ""  // a late report of a finished phase
            }
            state.phase = progress.phase
            state.last = progress
            let text = Self.text(progress, completing: false, since: state.receivingSince, now: rateUntil)
            guard text != state.drawn else { return output }
            if let drawnAt = state.drawnAt, now - drawnAt < .milliseconds(100), !progress.isPhaseComplete { return output }
            state.drawn = text
            state.drawnAt = now
            return output + "\r" + text + "\u{1B}[K"
        }
        if !output.isEmpty { Terminal.standardError.write(output) }
    }

    /// What a phase's line says.
    static func text(_ progress: GitProgress, completing: Bool, since start: ContinuousClock.Instant?, now: ContinuousClock.Instant) -> String {
        func percent(_ done: Int, _ total: Int) -> String {
            let value = total > 0 ? done * 100 / total : 100
            return "\(value)% (\(done)/\(total))"
        }
        let done = completing ? ", done." : ""
        switch progress.phase {
        case .receivingObjects:
            let mebibytes = Double(progress.receivedBytes) / 1_048_576
            var text = "receiving objects: \(percent(progress.receivedObjects, progress.totalObjects)), " + String(format: "%.2f MiB", mebibytes)
            if let start {
                let seconds = (now - start).timeInterval
                if seconds >= 0.5 { text += String(format: " | %.2f MiB/s", mebibytes / seconds) }
            }
            return text + done
        case .resolvingDeltas:
            return "resolving deltas: \(percent(progress.indexedDeltas, progress.totalDeltas))" + done
        case .checkingOut:
            return "checking out files: \(percent(progress.checkedOutFiles, progress.totalFiles))" + done
        }
    }

    func finish() {
        guard enabled else { return }
        let output = state.withLock { state -> String in
            guard let last = state.last else { return "" }
            defer { state = State() }
            let now = state.receivedAt ?? .now
            return "\r" + Self.text(last, completing: last.isPhaseComplete, since: state.receivingSince, now: now) + "\u{1B}[K\n"
        }
        if !output.isEmpty { Terminal.standardError.write(output) }
    }
}
