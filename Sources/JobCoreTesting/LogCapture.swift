public import Logging
import Synchronization

/// Collects log records in memory, for tests that inspect what a component logged (and that a
/// secret never appears there).
public final class LogCapture: Sendable {
    /// One captured record.
    public struct Record: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: Logger.Metadata
        public var label: String

        /// The message and every metadata value, as one line of text.
        public var text: String {
            let values = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return ([message] + values).joined(separator: " ")
        }
    }

    private let storage = Mutex<[Record]>([])

    public init() {}

    /// A logger that writes into this capture at `level` and above.
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { label in Handler(label: label, capture: self) }
        logger.logLevel = level
        return logger
    }

    /// Everything captured so far.
    public var records: [Record] { storage.withLock { $0 } }

    /// Everything captured so far, one record per line.
    public var text: String { records.map(\.text).joined(separator: "\n") }

    fileprivate func append(_ record: Record) { storage.withLock { $0.append(record) } }

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
            capture.append(Record(level: event.level, message: event.message.description, metadata: merged, label: label))
        }
    }
}
