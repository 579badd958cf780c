public import Foundation

extension JobLifecycle {
    /// Moves a queued job's run-at: it is claimed no earlier than `runAt` (a time in the past
    /// makes it due now). The job keeps its place in every other respect.
    /// - Parameters:
    ///   - record: the stored job.
    ///   - runAt: the new earliest start, within ``JobOptions/maximumDelay`` of `now`.
    ///   - expectedVersion: the ``JobRecord/version`` the caller read; `nil` to change any version.
    ///   - now: the store's time.
    /// - Throws: `conflict` when the record's version is not `expectedVersion`; `invalidState`
    ///   when the job is not queued; `invalidArgument` for a run-at too far from now.
    public static func reschedule(
        _ record: JobRecord, runAt: Date, expectedVersion: Int64?, now: Date
    ) throws(JobStoreError) -> JobChange {
        if let expectedVersion, record.version != expectedVersion {
            throw JobStoreError(
                .conflict, "the job is at version \(record.version), not \(expectedVersion)", jobID: record.id, state: record.state
            )
        }
        guard record.state == .queued else {
            throw JobStoreError(.invalidState, "only a queued job can be rescheduled", jobID: record.id, state: record.state)
        }
        guard abs(runAt.timeIntervalSince(now)) <= JobOptions.maximumDelay.timeInterval else {
            throw JobStoreError(.invalidArgument, "runAt must be within \(DurationParser.format(JobOptions.maximumDelay)) of now")
        }
        var after = touched(record, now)
        after.runAt = runAt
        let message = "run at \(ISO8601DateFormatter().string(from: runAt))"
        return JobChange(before: record, after: after, run: nil, events: [event(.rescheduled, after, message: message)])
    }
}
