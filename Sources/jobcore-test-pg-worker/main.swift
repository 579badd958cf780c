// A worker process on a PostgreSQL store, for JobCorePostgresTests: a real Worker beside a
// PostgresJobStore in a ServiceGroup. It runs `hold` jobs (each sleeps for --hold-ms) and `noop`
// jobs; SIGTERM shuts it down gracefully; with --drain it exits when nothing is left to do.
//
//   jobcore-test-pg-worker --url postgres://… --worker-id ID [--concurrency N] [--hold-ms MS]
//                          [--lease-ms MS] [--key-limit N] [--drain]
import Foundation
import JobCore
import JobCorePostgres
import Logging
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

var logger = Logger(label: "jobcore-test-pg-worker")
logger.logLevel = .error
let store = try PostgresJobStore(url: url, logger: logger)
var handlers = JobHandlers()
handlers.register(kind: "hold") { _, _ in
    try await Task.sleep(for: hold)
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
