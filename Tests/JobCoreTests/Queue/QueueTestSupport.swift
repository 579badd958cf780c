import JobCore
import Synchronization

/// Events reported by operations, read in order by the test.
final class Events: Sendable {
    let stream: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: String.self)
    }

    func record(_ event: String) {
        continuation.yield(event)
    }
}

/// A value shared between a test and its operations.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) {
        self.value = Mutex(value)
    }

    var current: Value { value.withLock { $0 } }

    func update<R: Sendable>(_ body: (inout Value) -> R) -> R {
        value.withLock { body(&$0) }
    }
}

extension InProcessJobQueue.Configuration {
    /// A configuration changed by `body`.
    static func with(_ body: (inout Self) -> Void) -> Self {
        var configuration = Self()
        body(&configuration)
        return configuration
    }
}
