import Logging
import Synchronization

/// Captures every log line of a test, rendered as text with its metadata, and lets the test wait
/// until a message has been logged a number of times.
final class LogRecorder: Sendable {
    private struct State {
        var lines: [String] = []
        var messages: [String: Int] = [:]
        var waiters: [(message: String, count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// A logger at `trace` level whose output goes here.
    func logger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Every line logged, with level, message, metadata and error.
    var lines: [String] { state.withLock { $0.lines } }

    /// How often `message` was logged.
    func count(of message: String) -> Int { state.withLock { $0.messages[message, default: 0] } }

    /// Waits until `message` has been logged at least `count` times.
    func waitFor(_ message: String, count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.messages[message, default: 0] >= count { return true }
                state.waiters.append((message, count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    fileprivate func record(_ event: LogEvent, metadata: Logger.Metadata) {
        let message = event.message.description
        var line = "[\(event.level)] \(message)"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        if let error = event.error { line += " error=\(error) \(String(reflecting: error))" }
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.lines.append(line)
            state.messages[message, default: 0] += 1
            let count = state.messages[message]!
            let ready = state.waiters.filter { $0.message == message && $0.count <= count }
            state.waiters.removeAll { $0.message == message && $0.count <= count }
            return ready.map(\.continuation)
        }
        ready.forEach { $0.resume() }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.record(event, metadata: metadata.merging(event.metadata ?? [:]) { $1 })
        }
    }
}
