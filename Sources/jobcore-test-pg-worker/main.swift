// A worker process on a PostgreSQL store, for JobCorePostgresTests: a real Worker beside a
// PostgresJobStore in a ServiceGroup. It runs `hold` jobs (each sleeps for --hold-ms) and `noop`
// jobs; SIGTERM shuts it down gracefully; with --drain it exits when nothing is left to do.
// With --monitor, each `hold` attempt registers in the test's table `inflight` (primary key: the
// job's concurrency key) while it runs, and records a row in `violations` when another live
// attempt of its key is registered (one whose job still runs at its epoch): a cross-process check
// that a key never runs twice at once, which a killed worker's leftover rows cannot fool.
//
//   jobcore-test-pg-worker --url postgres://… --worker-id ID [--concurrency N] [--hold-ms MS]
//                          [--lease-ms MS] [--key-limit N] [--drain] [--monitor]
import Foundation
import JobCore
import JobCorePostgres
import Logging
import PostgresNIO
import ServiceLifecycle
import UnixSignals

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

guard let url = option("--url"), let workerID = option("--worker-id") else {
    FileHandle.standardError.write(Data("usage: jobcore-test-pg-worker --url URL --worker-id ID [--concurrency N] [--hold-ms MS] [--lease-ms MS] [--key-limit N] [--drain]\n".utf8))
    exit(2)
}
let concurrency = option("--concurrency").flatMap(Int.init) ?? 4
let hold = Duration.milliseconds(option("--hold-ms").flatMap(Int64.init) ?? 5)
let lease = Duration.milliseconds(option("--lease-ms").flatMap(Int64.init) ?? 30_000)
let keyLimit = option("--key-limit").flatMap(Int.init) ?? 1
let drain = CommandLine.arguments.contains("--drain")
let monitored = CommandLine.arguments.contains("--monitor")

var logger = Logger(label: "jobcore-test-pg-worker")
logger.logLevel = .error
let store = try PostgresJobStore(url: url, logger: logger)
var handlers = JobHandlers()
let schema = "\"\(store.configuration.schema.name)\""
handlers.register(kind: "hold") { _, context in
    let key = context.job.key ?? ""
    let id = context.job.id.rawValue
    if monitored, !key.isEmpty {
        let epoch = context.epoch
        var registered = false
        for try await _ in try await store.client.query("""
            INSERT INTO \(unescaped: schema).inflight (key, job_id, epoch, worker) VALUES (\(key), \(id), \(epoch), \(workerID))
            ON CONFLICT (key) DO NOTHING RETURNING 1
            """) { registered = true }
        if !registered {
            // Another attempt of the key is registered: a violation if it is still live (its job
            // runs at its epoch), else a leftover of an attempt whose worker died: take over.
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
    }
    try await Task.sleep(for: hold)
    if monitored, !key.isEmpty {
        try await store.client.query("DELETE FROM \(unescaped: schema).inflight WHERE key = \(key) AND job_id = \(id)")
    }
    return nil
}
handlers.register(kind: "noop") { _, _ in nil }
let worker = Worker(
    store: store, handlers: handlers,
    configuration: Worker.Configuration(
        workerID: workerID, concurrency: concurrency, keyLimit: keyLimit, lease: lease,
        heartbeatInterval: lease / 4, reaperInterval: lease / 4, pollInterval: .milliseconds(200),
        shutdownGracePeriod: .seconds(5), drain: drain
    ),
    logger: logger
)
let group = ServiceGroup(configuration: ServiceGroupConfiguration(
    services: [
        .init(service: store),
        .init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup),
    ],
    gracefulShutdownSignals: [.sigterm, .sigint],
    logger: logger
))
try await group.run()
