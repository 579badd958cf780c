/// A command's output as an asynchronous sequence, from its first byte.
///
/// Each iteration starts at the beginning of the log, replays what the log holds, then follows
/// the command's output as it arrives, and ends when the command's pipes are closed. A consumer
/// that keeps up sees every byte; one that falls behind the log's tail gets a
/// ``OutputEvent/truncated(omittedBytes:)`` for the bytes it missed. Memory does not grow with the
/// number of consumers. Cancelling the iterating task ends the sequence.
public struct ProcessOutput: AsyncSequence, Sendable {
    public typealias Element = OutputEvent
    public typealias Failure = Never

    let buffer: OutputBuffer

    /// Iterates a command's output.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = OutputEvent
        public typealias Failure = Never

        let buffer: OutputBuffer
        var cursor = 0

        /// The next event, or nil when the output is complete or the task is cancelled.
        public mutating func next() async -> OutputEvent? {
            guard let (event, next) = await buffer.next(after: cursor) else { return nil }
            cursor = next
            return event
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(buffer: buffer)
    }
}
