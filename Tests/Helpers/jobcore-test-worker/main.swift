// A worker process for the multi-process tests of the SQLite and PostgreSQL stores: a real Worker
// beside its store in a ServiceGroup. It runs `hold` jobs (each sleeps for --hold-ms) and `noop`
// jobs; SIGTERM shuts it down gracefully; with --drain it exits when nothing is left to do.
//
// With --monitor (PostgreSQL only), each `hold` attempt registers in the test's table `inflight`
// (primary key: the job's concurrency key) while it runs, and records a row in `violations` when
// another live attempt of its key is registered (one whose job still runs at its epoch): a
// cross-process check that a key never runs twice at once, which a killed worker's leftover rows
// cannot fool.
//
//   jobcore-test-worker --store PATH|postgres://… --worker-id ID [--concurrency N] [--hold-ms MS]
//                       [--lease-ms MS] [--poll-ms MS] [--key-limit N] [--drain] [--monitor] [--events]
//
// With --events it prints a line to stdout when it has found nothing to claim and waits (`idle`),
// when it claims a job (`claimed ID`) and when an attempt ends (`finished ID`), for tests that
// follow it. The lines come from different tasks: `idle` may precede the `finished` before it.
import Foundation
import JobCore
import JobCorePostgres
import JobCoreSQLite
import Logging
import PostgresNIO
import ServiceLifecycle
import UnixSignals

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func milliseconds(_ name: String, default value: Int64) -> Duration {
    .milliseconds(option(name).flatMap(Int64.init) ?? value)
}

guard let location = option("--store"), let workerID = option("--worker-id") else {
    FileHandle.standardError.write(Data("""
        usage: jobcore-test-worker --store PATH|postgres://… --worker-id ID [--concurrency N] [--hold-ms MS]
               [--lease-ms MS] [--poll-ms MS] [--key-limit N] [--drain] [--monitor]

        """.utf8))
    exit(2)
}
let concurrency = option("--concurrency").flatMap(Int.init) ?? 4
let hold = milliseconds("--hold-ms", default: 5)
let lease = milliseconds("--lease-ms", default: 30_000)
let pollInterval = milliseconds("--poll-ms", default: 200)
let keyLimit = option("--key-limit").flatMap(Int.init) ?? 1
let drain = CommandLine.arguments.contains("--drain")
let monitored = CommandLine.arguments.contains("--monitor")
let reportsEvents = CommandLine.arguments.contains("--events")

var logger = Logger(label: "jobcore-test-worker")
logger.logLevel = .error

let store: any JobStore
var monitor: KeyMonitor?
if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
    let postgres = try PostgresJobStore(url: location, logger: logger)
    store = postgres
    if monitored { monitor = KeyMonitor(store: postgres, workerID: workerID, logger: logger) }
} else {
    store = try SQLiteJobStore(path: location, logger: logger)
}

var handlers = JobHandlers()
handlers.register(kind: "hold") { [monitor] _, context in
    let key = context.job.key ?? ""
    if let monitor, !key.isEmpty { try await monitor.enter(key: key, job: context.job.id.rawValue, epoch: context.epoch) }
    try await Task.sleep(for: hold)
    if let monitor, !key.isEmpty { try await monitor.leave(key: key, job: context.job.id.rawValue) }
    return nil
}
handlers.register(kind: "noop") { _, _ in nil }
@Sendable func report(_ event: WorkerEvent) {
    switch event {
    case .idle: FileHandle.standardOutput.write(Data("idle\n".utf8))
    case .claimed(let id, _): FileHandle.standardOutput.write(Data("claimed \(id)\n".utf8))
    case .finished(let id, _): FileHandle.standardOutput.write(Data("finished \(id)\n".utf8))
    default: break
    }
}
let worker = Worker(
    store: store, handlers: handlers,
    configuration: Worker.Configuration(
        workerID: workerID, concurrency: concurrency, keyLimit: keyLimit, lease: lease,
        heartbeatInterval: lease / 4, reaperInterval: lease / 4, pollInterval: pollInterval,
        shutdownGracePeriod: .seconds(5), drain: drain ? .whenNothingQueued : nil
    ),
    logger: logger,
    observer: reportsEvents ? report : nil
)
var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
services.append(.init(service: store))
services.append(.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup))
let group = ServiceGroup(configuration: ServiceGroupConfiguration(
    services: services,
    gracefulShutdownSignals: [.sigterm, .sigint],
    logger: logger
))
try await group.run()

/// The cross-process overlap detector of --monitor, in the test's tables beside the store's.
struct KeyMonitor: Sendable {
    let store: PostgresJobStore
    let workerID: String
    let logger: Logger

    private var schema: String { "\"\(store.configuration.schema.name)\"" }

    func enter(key: String, job id: String, epoch: Int64) async throws {
        var registered = false
        for try await _ in try await store.client.query("""
            INSERT INTO \(unescaped: schema).inflight (key, job_id, epoch, worker) VALUES (\(key), \(id), \(epoch), \(workerID))
            ON CONFLICT (key) DO NOTHING RETURNING 1
            """) { registered = true }
        guard !registered else { return }
        // Another attempt of the key is registered: a violation if it is still live (its job runs
        // at its epoch), else a leftover of an attempt whose worker died: take over.
        try await store.client.withTransaction(logger: logger) { connection in
            var live = false
            for try await (other, otherWorker, isLive) in try await connection.query("""
                SELECT i.job_id, i.worker, coalesce(j.state = 'running' AND j.epoch = i.epoch, false)
                FROM \(unescaped: schema).inflight i LEFT JOIN \(unescaped: schema).jobs j ON j.id = i.job_id
                WHERE i.key = \(key) FOR UPDATE OF i
                """, logger: logger).decode((String, String, Bool).self) where isLive {
                live = true
                try await connection.query("""
                    INSERT INTO \(unescaped: schema).violations (key, job_id, worker, other)
                    VALUES (\(key), \(id), \(workerID), \(other + " on " + otherWorker))
                    """, logger: logger)
            }
            if !live {
                try await connection.query("""
                    UPDATE \(unescaped: schema).inflight SET job_id = \(id), epoch = \(epoch), worker = \(workerID) WHERE key = \(key)
                    """, logger: logger)
            }
        }
    }

    func leave(key: String, job id: String) async throws {
        try await store.client.query("DELETE FROM \(unescaped: schema).inflight WHERE key = \(key) AND job_id = \(id)")
    }
}
