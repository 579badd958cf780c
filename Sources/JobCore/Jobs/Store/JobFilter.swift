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

    /// Creates a filter; every parameter defaults to `nil` (no restriction).
    public init(states: Set<JobState>? = nil, key: String? = nil, kind: String? = nil, queue: String? = nil, dueBy: Date? = nil) {
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
        return true
    }
}

/// One page of a listing, ordered by id (creation order).
public struct JobPage: Sendable, Hashable {
    /// The order of a listing.
    public enum Order: String, Sendable, Hashable {
        /// Oldest first.
        case oldestFirst
        /// Newest first.
        case newestFirst
    }

    /// The most records on the page. Defaults to 100.
    public var limit: Int
    /// Continue after this id (the previous page's ``JobListing/nextCursor``). Defaults to `nil`.
    public var after: JobID?
    /// Defaults to ``Order/newestFirst``.
    public var order: Order

    /// Creates a page request.
    public init(limit: Int = 100, after: JobID? = nil, order: Order = .newestFirst) {
        self.limit = limit
        self.after = after
        self.order = order
    }

    /// Whether `id` comes after the cursor in this order.
    public func isPastCursor(_ id: JobID) -> Bool {
        guard let after else { return true }
        return order == .oldestFirst ? id > after : id < after
    }
}

/// A page of jobs and the cursor to the next page.
public struct JobListing: Sendable, Hashable {
    /// The jobs on this page.
    public var jobs: [JobRecord]
    /// The cursor for the next page; `nil` when this page is the last.
    public var nextCursor: JobID?

    /// Creates a listing.
    public init(jobs: [JobRecord], nextCursor: JobID?) {
        self.jobs = jobs
        self.nextCursor = nextCursor
    }
}
