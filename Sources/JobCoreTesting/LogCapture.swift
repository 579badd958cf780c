public import Logging
import Synchronization

/// Collects log records in memory, for tests that inspect what a component logged (and that a
/// secret never appears there), and lets a test wait until a message has been logged.
public final class LogCapture: Sendable {
    /// One captured record.
    public struct Record: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: Logger.Metadata
        public var label: String
        /// The error attached to the record, rendered with `String(reflecting:)`.
        public var error: String?

        /// The level, message, every metadata value and the error, as one line of text.
        public var text: String {
            let values = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return (["[\(level)]", message] + values + (error.map { ["error=\($0)"] } ?? [])).joined(separator: " ")
        }
    }

    private struct State {
        var records: [Record] = []
        var counts: [String: Int] = [:]
        var waiters: [(message: String, count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// A logger that writes into this capture at `level` and above.
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { label in Handler(label: label, capture: self) }
        logger.logLevel = level
        return logger
    }

    /// Everything captured so far.
    public var records: [Record] { state.withLock { $0.records } }

    /// Every record as a line of text.
    public var lines: [String] { records.map(\.text) }

    /// Everything captured so far, one record per line.
    public var text: String { lines.joined(separator: "\n") }

    /// How often `message` was logged.
    public func count(of message: String) -> Int { state.withLock { $0.counts[message, default: 0] } }

    /// Waits until `message` has been logged at least `count` times.
    public func waitFor(_ message: String, count: Int = 1) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.counts[message, default: 0] >= count { return true }
                state.waiters.append((message, count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    fileprivate func append(_ record: Record) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.records.append(record)
            state.counts[record.message, default: 0] += 1
            let count = state.counts[record.message]!
            let ready = state.waiters.filter { $0.message == record.message && $0.count <= count }
            state.waiters.removeAll { $0.message == record.message && $0.count <= count }
            return ready.map(\.continuation)
        }
        ready.forEach { $0.resume() }
    }

    private struct Handler: LogHandler {
        let label: String
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { $1 } }
            capture.append(Record(level: event.level, message: event.message.description, metadata: merged, label: label,
                                  error: event.error.map { "\($0) \(String(reflecting: $0))" }))
        }
    }
}
