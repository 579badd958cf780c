// A worker process on a SQLite store, for JobCoreSQLiteTests: it runs `hold` jobs (each sleeps
// for --hold-ms) with a real Worker in drain mode and exits when nothing is left.
//
//   jobcore-test-claimer --store PATH --worker-id ID [--concurrency N] [--hold-ms MS]
import Foundation
import JobCore
import JobCoreSQLite
import Logging

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

guard let path = option("--store"), let workerID = option("--worker-id") else {
    FileHandle.standardError.write(Data("usage: jobcore-test-claimer --store PATH --worker-id ID [--concurrency N] [--hold-ms MS]\n".utf8))
    exit(2)
}
let concurrency = option("--concurrency").flatMap(Int.init) ?? 4
let hold = Duration.milliseconds(option("--hold-ms").flatMap(Int64.init) ?? 5)

var logger = Logger(label: "jobcore-test-claimer")
logger.logLevel = .warning
let store = try SQLiteJobStore(path: path, logger: logger)
var handlers = JobHandlers()
handlers.register(kind: "hold") { _, _ in
    try await Task.sleep(for: hold)
    return nil
}
let configuration = Worker.Configuration(
    workerID: workerID, concurrency: concurrency, keyLimit: 1, lease: .seconds(30),
    pollInterval: .milliseconds(10), drain: true
)
try await Worker(store: store, handlers: handlers, configuration: configuration, logger: logger).run()
