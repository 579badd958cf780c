public import Foundation

/// What happened to appended output.
public struct JobLogAppend: Sendable, Hashable {
    /// Bytes stored from this append.
    public var accepted: Int
    /// The log's size afterwards.
    public var size: Int
    /// Whether output was dropped (by this append or an earlier one).
    public var truncated: Bool

    /// Creates an answer.
    public init(accepted: Int, size: Int, truncated: Bool) {
        self.accepted = accepted
        self.size = size
        self.truncated = truncated
    }

    /// Cuts `data` to what fits in a log of `size` bytes with room up to `limit`.
    @_spi(JobStoreImplementation)
    public static func fit(_ data: Data, size: Int, limit: Int) -> (kept: Data, truncated: Bool) {
        let room = max(0, limit - size)
        if data.count <= room { return (data, false) }
        return (data.prefix(room), true)
    }
}
