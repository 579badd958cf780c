import Foundation
import GRDB
@_spi(JobStoreImplementation) import JobCore

/// Converts between job rows and `JobRecord`s, strictly: a value of the wrong type is a
/// decoding failure with a reason, never a crash or a silent default.
enum SQLiteJobCodec {
    struct Failure: Error {
        var reason: String
    }

    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static func date(_ micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    /// A concrete database value (binding `[DatabaseValue]` avoids boxing every argument).
    private static func value(_ value: (some DatabaseValueConvertible)?) -> DatabaseValue {
        value?.databaseValue ?? .null
    }

    private static func blob(_ data: Data?) -> DatabaseValue {
        guard let data, !data.isEmpty else { return .null }
        return data.databaseValue
    }

    /// The arguments for `jobColumns`, in order.
    static func arguments(_ r: JobRecord) -> StatementArguments {
        let timeout = r.timeout.components
        let timeoutMS = timeout.seconds * 1000 + timeout.attoseconds / 1_000_000_000_000_000
        return StatementArguments([
            value(r.id.rawValue), value(r.queue), value(r.key), value(r.kind), blob(r.payload), value(r.state.rawValue),
            value(r.priority), value(micros(r.runAt)), value(r.attempt), value(r.maxAttempts), value(timeoutMS),
            value(r.idempotencyKey), value(r.leaseHolder), value(r.leaseExpiresAt.map(micros)), value(r.epoch),
            value(r.cancelRequested ? 1 : 0), value(r.cancelReason), value(r.cancelMode?.rawValue), value(micros(r.createdAt)), value(r.startedAt.map(micros)),
            value(r.finishedAt.map(micros)), value(micros(r.updatedAt)), value(r.lastError), blob(r.result), value(r.version),
            value(traceContextText(r.traceContext)), value(dependsOnText(r.dependsOn)),
            value(r.dependsOn.isEmpty ? nil : r.dependencyMode.rawValue), value(r.pendingDependencies),
            value(r.hasDependents ? 1 : 0), value(r.parentID?.rawValue), value(r.pendingChildren), value(r.failedChildren),
            value(dependsOnText(r.failedChildIDs)), value(r.checkpoint?.storedText),
        ])
    }

    /// A list of job ids as stored (dependencies, failed children): separated by spaces, or
    /// NULL when empty.
    static func dependsOnText(_ ids: [JobID]) -> String? {
        ids.isEmpty ? nil : ids.map(\.rawValue).joined(separator: " ")
    }

    /// The trace context as stored (`TraceContextText`), or NULL when empty.
    static func traceContextText(_ context: [String: String]) -> String? {
        TraceContextText.encode(context)
    }

    static func traceContext(_ text: String?) throws(Failure) -> [String: String] {
        guard let context = TraceContextText.decode(text) else { throw Failure(reason: "trace_context is not lines of 'name: value'") }
        return context
    }

    /// The arguments for `updateJob`: the mutable columns, then the id and expected version.
    static func updateArguments(_ r: JobRecord, expectedVersion: Int64) -> StatementArguments {
        StatementArguments([
            value(r.state.rawValue), value(micros(r.runAt)), value(r.attempt), value(r.leaseHolder),
            value(r.leaseExpiresAt.map(micros)), value(r.epoch), value(r.cancelRequested ? 1 : 0), value(r.cancelReason), value(r.cancelMode?.rawValue),
            value(r.startedAt.map(micros)), value(r.finishedAt.map(micros)), value(micros(r.updatedAt)),
            value(r.lastError), blob(r.result), value(r.version), value(r.pendingDependencies),
            value(r.pendingChildren), value(r.failedChildren), value(dependsOnText(r.failedChildIDs)),
            value(r.checkpoint?.storedText), value(r.id.rawValue), value(expectedVersion),
        ])
    }

    /// Decodes a row selected with `jobColumns` (optionally preceded by other columns).
    static func record(_ row: Row, from start: Int = 0) throws(Failure) -> JobRecord {
        var reader = Reader(row: row, index: start)
        let id = try reader.text("id")
        guard !id.isEmpty else { throw Failure(reason: "id is empty") }
        let queue = try reader.text("queue")
        let key = try reader.optionalText("key")
        let kind = try reader.text("kind")
        let payload = try reader.optionalData("payload") ?? Data()
        let stateText = try reader.text("state")
        guard let state = JobState(rawValue: stateText) else { throw Failure(reason: "state '\(stateText)' is not a job state") }
        return JobRecord(
            id: JobID(id), queue: queue, key: key, kind: kind, payload: payload, state: state,
            priority: Int(try reader.integer("priority")), runAt: date(try reader.integer("run_at")),
            attempt: Int(try reader.integer("attempt")), maxAttempts: Int(try reader.integer("max_attempts")),
            timeout: .milliseconds(try reader.integer("timeout_ms")),
            idempotencyKey: try reader.optionalText("idempotency_key"),
            leaseHolder: try reader.optionalText("lease_holder"),
            leaseExpiresAt: try reader.optionalInteger("lease_expires_at").map(date),
            epoch: try reader.integer("epoch"), cancelRequested: try reader.integer("cancel_requested") != 0,
            cancelReason: try reader.optionalText("cancel_reason"),
            cancelMode: try reader.optionalText("cancel_mode").map(stopMode),
            createdAt: date(try reader.integer("created_at")),
            startedAt: try reader.optionalInteger("started_at").map(date),
            finishedAt: try reader.optionalInteger("finished_at").map(date),
            updatedAt: date(try reader.integer("updated_at")), lastError: try reader.optionalText("last_error"),
            result: try reader.optionalData("result"), version: try reader.integer("version"),
            traceContext: try traceContext(try reader.optionalText("trace_context")),
            dependsOn: ids(try reader.optionalText("depends_on")),
            dependencyMode: try dependencyMode(try reader.optionalText("dependency_mode")),
            pendingDependencies: Int(try reader.integer("pending_dependencies")),
            hasDependents: try reader.integer("has_dependents") != 0,
            parentID: try reader.optionalText("parent_id").map { JobID($0) },
            pendingChildren: Int(try reader.integer("pending_children")),
            failedChildren: Int(try reader.integer("failed_children")),
            failedChildIDs: ids(try reader.optionalText("failed_child_ids")),
            checkpoint: try checkpoint(try reader.optionalText("checkpoint"))
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

    private static func dependencyMode(_ text: String?) throws(Failure) -> DependencyMode {
        guard let text else { return .succeeded }
        guard let mode = DependencyMode(rawValue: text) else { throw Failure(reason: "dependency_mode '\(text)' is not a dependency mode") }
        return mode
    }

    private static func stopMode(_ text: String) throws(Failure) -> JobStopMode {
        guard let mode = JobStopMode(rawValue: text) else { throw Failure(reason: "cancel_mode '\(text)' is not a stop mode") }
        return mode
    }

    /// Reads typed values one column after the other, straight from the row (a statement's
    /// current row is not copied).
    struct Reader {
        let row: Row
        var index: Int

        private mutating func next(_ name: String) throws(Failure) -> DatabaseValue {
            guard index < row.count else { throw Failure(reason: "column \(name) is missing") }
            defer { index += 1 }
            return row[index] as DatabaseValue
        }

        mutating func text(_ name: String) throws(Failure) -> String {
            guard let value = try optionalText(name) else { throw Failure(reason: "\(name) is NULL") }
            return value
        }

        mutating func optionalText(_ name: String) throws(Failure) -> String? {
            switch try next(name).storage {
            case .null: return nil
            case .string(let text): return text
            default: throw Failure(reason: "\(name) is not text")
            }
        }

        mutating func integer(_ name: String) throws(Failure) -> Int64 {
            guard let value = try optionalInteger(name) else { throw Failure(reason: "\(name) is NULL") }
            return value
        }

        mutating func optionalInteger(_ name: String) throws(Failure) -> Int64? {
            switch try next(name).storage {
            case .null: return nil
            case .int64(let value): return value
            default: throw Failure(reason: "\(name) is not an integer")
            }
        }

        mutating func optionalData(_ name: String) throws(Failure) -> Data? {
            switch try next(name).storage {
            case .null: return nil
            case .blob(let data): return data
            case .string(let text): return Data(text.utf8)
            default: throw Failure(reason: "\(name) is not a blob")
            }
        }
    }

    static func run(_ row: Row) -> JobRun? {
        guard let jobID: String = row["job_id"], let epoch: Int64 = row["epoch"], let attempt: Int = row["attempt"],
              let worker: String = row["worker_id"], let started: Int64 = row["started_at"] else { return nil }
        let insightsText: String? = row["insights"]
        let insights = insightsText.flatMap { try? JSONDecoder().decode([String: Double].self, from: Data($0.utf8)) } ?? [:]
        let outcome: String? = row["outcome"]
        let exitCode: Int64? = row["exit_code"]
        let finished: Int64? = row["finished_at"]
        return JobRun(
            jobID: JobID(jobID), epoch: epoch, attempt: attempt, workerID: worker, startedAt: date(started),
            finishedAt: finished.map(date), outcome: outcome.flatMap(JobRun.Outcome.init(rawValue:)),
            exitCode: exitCode.map { Int32(truncatingIfNeeded: $0) }, error: row["error"], insights: insights
        )
    }

    static func event(_ row: Row) -> JobEvent? {
        guard let jobID: String = row["job_id"], let sequence: Int64 = row["sequence"], let at: Int64 = row["at"],
              let kindText: String = row["kind"], let kind = JobEvent.Kind(rawValue: kindText),
              let stateText: String = row["state"], let state = JobState(rawValue: stateText) else { return nil }
        return JobEvent(jobID: JobID(jobID), sequence: sequence, at: date(at), kind: kind, state: state, epoch: row["epoch"], message: row["message"])
    }

    static func insightsText(_ insights: [String: Double]) -> String? {
        guard !insights.isEmpty, let data = try? JSONEncoder().encode(insights) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
