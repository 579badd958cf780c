import Foundation
@_spi(JobStoreImplementation) import JobCore
import PostgresNIO

/// Converts between job rows and `JobRecord`s, strictly: a value that cannot be a job (an
/// unknown state, a negative attempt) is a decoding failure with a reason, never a crash or a
/// silent default.
enum PostgresJobCodec {
    struct Failure: Error {
        var reason: String
    }

    /// The job columns in the order ``record(_:from:)`` reads them.
    static let columns = [
        "id", "queue", "key", "kind", "payload", "state", "priority", "run_at", "attempt", "max_attempts",
        "timeout_ms", "idempotency_key", "lease_holder", "lease_expires_at", "epoch", "cancel_requested",
        "cancel_reason", "cancel_mode", "created_at", "started_at", "finished_at", "updated_at", "last_error", "result", "version",
        "trace_context", "depends_on", "dependency_mode", "pending_dependencies", "has_dependents",
        "parent_id", "pending_children", "failed_children", "failed_child_ids", "checkpoint",
    ]

    /// The select list of the job columns, optionally qualified with a table alias.
    static func selectList(_ alias: String? = nil) -> String {
        columns.map { column in alias.map { "\($0).\(column)" } ?? column }.joined(separator: ", ")
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Decodes the job columns of a row, starting at cell `start`.
    static func record(_ row: PostgresRow, from start: Int = 0) throws(Failure) -> JobRecord {
        var reader = Reader(row: row, skip: start)
        let id = try reader.text("id")
        guard !id.isEmpty else { throw Failure(reason: "id is empty") }
        let queue = try reader.text("queue")
        let key = try reader.optional(String.self, "key")
        let kind = try reader.text("kind")
        let payload = try reader.optional(Data.self, "payload") ?? Data()
        let stateText = try reader.text("state")
        guard let state = JobState(rawValue: stateText) else { throw Failure(reason: "state '\(stateText)' is not a job state") }
        let priority = try reader.required(Int.self, "priority")
        let runAt = try reader.required(PostgresTimestamp.self, "run_at").date
        let attempt = try reader.required(Int.self, "attempt")
        guard attempt >= 0 else { throw Failure(reason: "attempt \(attempt) is negative") }
        let maxAttempts = try reader.required(Int.self, "max_attempts")
        guard maxAttempts >= 1 else { throw Failure(reason: "max_attempts \(maxAttempts) is below 1") }
        let timeout = try reader.required(Int64.self, "timeout_ms")
        guard timeout > 0 else { throw Failure(reason: "timeout_ms \(timeout) is not positive") }
        let idempotencyKey = try reader.optional(String.self, "idempotency_key")
        let leaseHolder = try reader.optional(String.self, "lease_holder")
        let leaseExpiresAt = try reader.optional(PostgresTimestamp.self, "lease_expires_at")?.date
        let epoch = try reader.required(Int64.self, "epoch")
        guard epoch >= 0 else { throw Failure(reason: "epoch \(epoch) is negative") }
        return JobRecord(
            id: JobID(id), queue: queue, key: key, kind: kind, payload: payload, state: state, priority: priority,
            runAt: runAt, attempt: attempt, maxAttempts: maxAttempts, timeout: .milliseconds(timeout),
            idempotencyKey: idempotencyKey, leaseHolder: leaseHolder, leaseExpiresAt: leaseExpiresAt, epoch: epoch,
            cancelRequested: try reader.required(Bool.self, "cancel_requested"),
            cancelReason: try reader.optional(String.self, "cancel_reason"),
            cancelMode: try reader.optional(String.self, "cancel_mode").map(stopMode),
            createdAt: try reader.required(PostgresTimestamp.self, "created_at").date,
            startedAt: try reader.optional(PostgresTimestamp.self, "started_at")?.date,
            finishedAt: try reader.optional(PostgresTimestamp.self, "finished_at")?.date,
            updatedAt: try reader.required(PostgresTimestamp.self, "updated_at").date,
            lastError: try reader.optional(String.self, "last_error"),
            result: try reader.optional(Data.self, "result"),
            version: try reader.required(Int64.self, "version"),
            traceContext: try traceContext(try reader.optional(String.self, "trace_context")),
            dependsOn: ids(try reader.optional(String.self, "depends_on")),
            dependencyMode: try dependencyMode(try reader.optional(String.self, "dependency_mode")),
            pendingDependencies: try reader.required(Int.self, "pending_dependencies"),
            hasDependents: try reader.required(Bool.self, "has_dependents"),
            parentID: try reader.optional(String.self, "parent_id").map { JobID($0) },
            pendingChildren: try reader.required(Int.self, "pending_children"),
            failedChildren: try reader.required(Int.self, "failed_children"),
            failedChildIDs: ids(try reader.optional(String.self, "failed_child_ids")),
            checkpoint: try checkpoint(try reader.optional(String.self, "checkpoint"))
        )
    }

    private static func checkpoint(_ text: String?) throws(Failure) -> JobCheckpoint? {
        guard let text else { return nil }
        guard let checkpoint = JobCheckpoint(storedText: text) else { throw Failure(reason: "checkpoint is not a checkpoint's JSON") }
        return checkpoint
    }

    private static func ids(_ text: String?) -> [JobID] {
        text.map { $0.split(separator: " ").map { JobID(String($0)) } } ?? []
    }

    /// The trace context as stored (`TraceContextText`), or NULL when empty.
    static func traceContextText(_ context: [String: String]) -> String? {
        TraceContextText.encode(context)
    }

    static func traceContext(_ text: String?) throws(Failure) -> [String: String] {
        guard let context = TraceContextText.decode(text) else { throw Failure(reason: "trace_context is not lines of 'name: value'") }
        return context
    }

    /// A list of job ids as stored (dependencies, failed children): separated by spaces, or
    /// NULL when empty.
    static func dependsOnText(_ ids: [JobID]) -> String? {
        ids.isEmpty ? nil : ids.map(\.rawValue).joined(separator: " ")
    }

    private static func dependencyMode(_ text: String?) throws(Failure) -> DependencyMode {
        guard let text else { return .succeeded }
        guard let mode = DependencyMode(rawValue: text) else { throw Failure(reason: "dependency_mode '\(text)' is not a dependency mode") }
        return mode
    }

    private static func stopMode(_ text: String) throws(Failure) -> JobStopMode {
        guard let mode = JobStopMode(rawValue: text) else { throw Failure(reason: "cancel_mode '\(text)' is not a stop mode") }
        return mode
    }

    /// Reads typed cells one after the other.
    struct Reader {
        var cells: PostgresRow.Iterator

        init(row: PostgresRow, skip: Int) {
            cells = row.makeIterator()
            for _ in 0..<skip { _ = cells.next() }
        }

        mutating func optional<T: PostgresDecodable>(_ type: T.Type, _ name: String) throws(Failure) -> T? where T._DecodableType == T {
            guard let cell = cells.next() else { throw Failure(reason: "column \(name) is missing") }
            do {
                return try cell.decode(T?.self)
            } catch {
                throw Failure(reason: "\(name) cannot be read as \(T.self)")
            }
        }

        mutating func required<T: PostgresDecodable>(_ type: T.Type, _ name: String) throws(Failure) -> T where T._DecodableType == T {
            guard let value = try optional(type, name) else { throw Failure(reason: "\(name) is NULL") }
            return value
        }

        mutating func text(_ name: String) throws(Failure) -> String {
            try required(String.self, name)
        }
    }

    /// The columns ``run(_:)`` reads.
    static let runColumns = "job_id, epoch, attempt, worker_id, started_at, finished_at, outcome, exit_code, error, insights::text"

    static func run(_ row: PostgresRow) throws -> JobRun {
        let (jobID, epoch, attempt, worker, started, finished, outcome, exitCode, error, insights) = try row.decode(
            (String, Int64, Int, String, PostgresTimestamp, PostgresTimestamp?, String?, Int32?, String?, String?).self
        )
        return JobRun(
            jobID: JobID(jobID), epoch: epoch, attempt: attempt, workerID: worker, startedAt: started.date,
            finishedAt: finished?.date, outcome: outcome.flatMap(JobRun.Outcome.init(rawValue:)), exitCode: exitCode,
            error: error, insights: insights.flatMap { try? JSONDecoder().decode([String: Double].self, from: Data($0.utf8)) } ?? [:]
        )
    }

    /// The columns ``event(_:)`` reads.
    static let eventColumns = "job_id, sequence, at, kind, state, epoch, message"

    static func event(_ row: PostgresRow) throws -> JobEvent? {
        let (jobID, sequence, at, kindText, stateText, epoch, message) = try row.decode(
            (String, Int64, PostgresTimestamp, String, String, Int64?, String?).self
        )
        guard let kind = JobEvent.Kind(rawValue: kindText), let state = JobState(rawValue: stateText) else { return nil }
        return JobEvent(jobID: JobID(jobID), sequence: sequence, at: at.date, kind: kind, state: state, epoch: epoch, message: message)
    }

    /// Insights as a JSON object for a `jsonb` column; `nil` when there are none.
    static func insightsJSON(_ insights: [String: Double]) -> String? {
        guard !insights.isEmpty, let data = try? JSONEncoder().encode(insights) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
