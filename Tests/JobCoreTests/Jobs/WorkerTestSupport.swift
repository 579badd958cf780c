import Foundation
import JobCore
import JobCoreTesting
import Synchronization

/// Collects a worker's events so a test can await the one it needs.
struct WorkerEvents {
    let observer: @Sendable (WorkerEvent) -> Void
    private var iterator: AsyncStream<WorkerEvent>.Iterator

    init() {
        let (stream, continuation) = AsyncStream<WorkerEvent>.makeStream()
        observer = { continuation.yield($0) }
        iterator = stream.makeAsyncIterator()
    }

    /// The next event matching `predicate`.
    @discardableResult
    mutating func next(where predicate: (WorkerEvent) -> Bool) async -> WorkerEvent? {
        while let event = await iterator.next() {
            if predicate(event) { return event }
        }
        return nil
    }

    /// Waits for the end of an attempt of `id` and returns its recorded outcome.
    mutating func finished(_ id: JobID) async -> JobRun.Outcome? {
        guard case .finished(_, let outcome)? = await next(where: { if case .finished(id, _) = $0 { true } else { false } }) else { return nil }
        return outcome
    }
}

/// Lets a test wait for something a handler does (without sleeping).
final class Signals<Value: Sendable>: Sendable {
    let stream: AsyncStream<Value>
    private let continuation: AsyncStream<Value>.Continuation

    init() {
        (stream, continuation) = AsyncStream<Value>.makeStream()
    }

    func send(_ value: Value) { continuation.yield(value) }

    func next() async -> Value? {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next()
    }
}

/// Blocks until the task is cancelled (a job that runs until it is stopped).
func runUntilCancelled() async throws {
    try await Task.sleep(for: .seconds(86_400))
}

struct Echo: Codable, Sendable, Equatable {
    var text: String
}

let echoKind = JobKind<Echo>("echo")

/// Values recorded by handlers, read by the test.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func append(_ value: Value) { values.withLock { $0.append(value) } }

    var all: [Value] { values.withLock { $0 } }
}
