import JobCore

/// Shared by the subcommands that act on one job.
enum JobLookup {
    /// The job, or exit 3 with "no such job".
    static func job(_ id: String, in store: any JobStore) async throws -> JobRecord {
        guard !id.isEmpty else { throw CLIError(.invalidInput, "a job id is required") }
        do {
            return try await store.job(JobID(id))
        } catch let error as JobStoreError where error.code == .notFound {
            throw CLIError(.noSuchJob, "no such job: \(id)")
        }
    }

    /// The contract's exit status for a finished job: 0, the command's status, 124 for a
    /// timeout, 130 when cancelled.
    static func exitStatus(of job: JobRecord, runs: [JobRun]) -> Int32 {
        switch job.state {
        case .succeeded: return 0
        case .cancelled: return 130
        case .failed:
            guard let last = runs.last else { return 1 }
            if last.outcome == .timedOut { return 124 }
            if let code = last.exitCode, code != 0 { return code }
            return 1
        case .queued, .running: return 1
        }
    }
}
