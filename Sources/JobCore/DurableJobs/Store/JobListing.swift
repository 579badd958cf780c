public import Foundation

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
