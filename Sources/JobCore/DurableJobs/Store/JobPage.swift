public import Foundation

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
