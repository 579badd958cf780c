public import Foundation

/// Which jobs a list or count selects. Empty criteria select everything.
public struct JobFilter: Sendable, Hashable {
    /// Only jobs in one of these states; `nil` for any state. Defaults to `nil`.
    public var states: Set<JobState>?
    /// Only jobs with this concurrency key. Defaults to `nil`.
    public var key: String?
    /// Only jobs of this kind. Defaults to `nil`.
    public var kind: String?
    /// Only jobs of this queue. Defaults to `nil`.
    public var queue: String?
    /// Only jobs due at or before this time. Defaults to `nil`.
    public var dueBy: Date?
    /// Only the children of this job. Defaults to `nil`.
    public var parent: JobID?

    /// Creates a filter; every parameter defaults to `nil` (no restriction).
    public init(
        states: Set<JobState>? = nil, key: String? = nil, kind: String? = nil, queue: String? = nil, dueBy: Date? = nil,
        parent: JobID? = nil
    ) {
        self.parent = parent
        self.states = states
        self.key = key
        self.kind = kind
        self.queue = queue
        self.dueBy = dueBy
    }

    /// Whether a record matches.
    public func matches(_ record: JobRecord) -> Bool {
        if let states, !states.contains(record.state) { return false }
        if let key, record.key != key { return false }
        if let kind, record.kind != kind { return false }
        if let queue, record.queue != queue { return false }
        if let dueBy, record.runAt > dueBy { return false }
        if let parent, record.parentID != parent { return false }
        return true
    }
}
