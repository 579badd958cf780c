public import Foundation

/// A piece of a job's output log, read from an offset.
public struct JobLogChunk: Sendable, Hashable {
    /// The bytes from ``offset``.
    public var data: Data
    /// Where the bytes start.
    public var offset: Int
    /// Where the next read should start.
    public var nextOffset: Int { offset + data.count }
    /// The stored size of the log.
    public var size: Int
    /// Whether output was dropped because the log reached its limit.
    public var truncated: Bool

    /// Creates a chunk.
    public init(data: Data, offset: Int, size: Int, truncated: Bool) {
        self.data = data
        self.offset = offset
        self.size = size
        self.truncated = truncated
    }
}
