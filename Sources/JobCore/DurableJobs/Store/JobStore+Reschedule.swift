public import Foundation

extension JobStore {
    /// Moves a queued job's run-at (``JobRecord/runAt``), optionally only when the record is
    /// still at the version the caller read (optimistic concurrency, as HTTP's `If-Match`).
    /// - Parameters:
    ///   - id: the job.
    ///   - runAt: the earliest time the job may be claimed; a time in the past makes it due now.
    ///   - expectedVersion: the ``JobRecord/version`` the caller read. Defaults to `nil`: any.
    /// - Returns: the updated record.
    /// - Throws: ``JobStoreError`` with `conflict` for another version, `invalidState` when the
    ///   job is not queued, `invalidArgument` for a run-at too far from now, `notFound` for an
    ///   unknown id.
    @discardableResult
    public func reschedule(_ id: JobID, runAt: Date, expectedVersion: Int64? = nil) async throws -> JobRecord {
        try await transition(id) { record, now throws(JobStoreError) in
            try JobLifecycle.reschedule(record, runAt: runAt, expectedVersion: expectedVersion, now: now)
        }
    }
}
