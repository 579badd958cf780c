public import Foundation

/// A job with what `jobctl show` and `GET /v1/jobs/{id}` show of it: its record, its runs and
/// how many children it has in each state, read together (``JobStore/detail(_:)``).
public struct JobDetail: Sendable, Hashable {
    /// The record.
    public var record: JobRecord
    /// Its runs, oldest first.
    public var runs: [JobRun]
    /// Its children by state (empty for a job without children).
    public var childCounts: [JobState: Int]

    /// Creates a detail.
    public init(record: JobRecord, runs: [JobRun], childCounts: [JobState: Int]) {
        self.record = record
        self.runs = runs
        self.childCounts = childCounts
    }
}

extension JobStore {
    /// The job, its runs and its children's counts, from separate reads (stores read them in
    /// one: the SQLite store in one read transaction, the PostgreSQL store on one connection).
    /// - Throws: ``JobStoreError`` (`notFound` for an unknown id).
    public func detail(_ id: JobID) async throws -> JobDetail {
        let record = try await job(id)
        let runs = try await runs(of: id)
        var counts: [JobState: Int] = [:]
        if try await count(JobFilter(parent: id)) > 0 {
            for state in JobState.allCases {
                let count = try await count(JobFilter(states: [state], parent: id))
                if count > 0 { counts[state] = count }
            }
        }
        return JobDetail(record: record, runs: runs, childCounts: counts)
    }
}
