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
    public static func fit(_ data: Data, size: Int, limit: Int) -> (kept: Data, truncated: Bool) {
        let room = max(0, limit - size)
        if data.count <= room { return (data, false) }
        return (data.prefix(room), true)
    }
}

/// What start-up validation found and did.
public struct JobStoreValidation: Sendable, Hashable, Codable {
    /// Records that could not be decoded and were moved to quarantine by this validation.
    public var quarantined: [QuarantinedJob]
    /// Run records whose job no longer exists, removed.
    public var orphanRunsRemoved: Int
    /// Events whose job no longer exists, removed.
    public var orphanEventsRemoved: Int
    /// Log data whose job no longer exists, removed.
    public var orphanLogsRemoved: Int

    /// Creates a report.
    public init(quarantined: [QuarantinedJob] = [], orphanRunsRemoved: Int = 0, orphanEventsRemoved: Int = 0, orphanLogsRemoved: Int = 0) {
        self.quarantined = quarantined
        self.orphanRunsRemoved = orphanRunsRemoved
        self.orphanEventsRemoved = orphanEventsRemoved
        self.orphanLogsRemoved = orphanLogsRemoved
    }

    /// Whether validation found nothing to do.
    public var isClean: Bool {
        quarantined.isEmpty && orphanRunsRemoved == 0 && orphanEventsRemoved == 0 && orphanLogsRemoved == 0
    }
}

/// A stored job record that could not be decoded, kept aside with the reason.
public struct QuarantinedJob: Sendable, Hashable, Codable {
    /// The id as stored (it may itself be what is wrong).
    public var id: String
    /// Why it could not be decoded.
    public var reason: String
    /// The raw record, as text, for an operator to repair.
    public var raw: String
    /// When it was quarantined.
    public var quarantinedAt: Date

    /// Creates an entry.
    public init(id: String, reason: String, raw: String, quarantinedAt: Date) {
        self.id = id
        self.reason = reason
        self.raw = raw
        self.quarantinedAt = quarantinedAt
    }
}
