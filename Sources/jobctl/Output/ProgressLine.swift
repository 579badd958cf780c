import Foundation
import JobCore
import Synchronization

/// A transfer progress line on a terminal, rewritten in place at most ten times a second.
final class ProgressLine: Sendable {
    private let enabled: Bool
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    init(enabled: Bool) {
        self.enabled = enabled
    }

    var update: (@Sendable (GitProgress) -> Void)? {
        guard enabled else { return nil }
        return { [self] progress in draw(progress) }
    }

    private func draw(_ progress: GitProgress) {
        let now = ContinuousClock.now
        let due = lastDraw.withLock { last -> Bool in
            if let last, now - last < .milliseconds(100), progress.receivedObjects < progress.totalObjects { return false }
            last = now
            return true
        }
        guard due else { return }
        let megabytes = Double(progress.receivedBytes) / 1_048_576
        let line = String(format: "\rreceiving objects: %d/%d, %.1f MiB", progress.receivedObjects, progress.totalObjects, megabytes)
        Terminal.standardError.write(line)
    }

    func finish() {
        if enabled, lastDraw.withLock({ $0 != nil }) { Terminal.standardError.write("\n") }
    }
}
