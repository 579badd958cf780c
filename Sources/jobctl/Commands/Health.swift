import ArgumentParser
import Foundation
import JobCore

struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Counts by state and queue, running versus capacity, oldest running and due ages, alerts.",
        discussion: """
        With --check, exits 1 when there is an alert (a job running longer than --long-running, \
        more than --queue-depth jobs due): usable from cron or a monitoring probe.

        Example:
          jobctl health --check --long-running 2h --queue-depth 500
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var cache: CacheOptions
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Exit 1 when there is an alert.") var check = false
    @Option(name: .customLong("long-running"), help: ArgumentHelp("Alert for jobs running longer than this.", valueName: "duration"))
    var longRunning: Duration = .seconds(7200)
    @Option(name: .customLong("queue-depth"), help: "Alert when more jobs than this are due.") var queueDepth: Int = 1000

    func validate() throws {
        guard queueDepth >= 0 else { throw ValidationError("--queue-depth must not be negative") }
    }

    func run() async throws {
        try await reportingErrors {
            let thresholds = HealthThresholds(longRunning: longRunning, queueDepth: queueDepth)
            let logger = global.makeLogger()
            let health = try await global.withStore(logger: logger) { store in try await store.health(thresholds) }
            let cacheStatistics = try await cache.cache(logger: logger)?.statistics()
            if json {
                try JSONOutput.print(HealthOutput(health: health, cache: cacheStatistics))
            } else {
                let counts = JobState.allCases.map { "\($0.rawValue) \(health.count($0))" }.joined(separator: ", ")
                print("jobs      \(counts)")
                print("running   \(health.running) of \(health.capacity) slots (\(health.workers) worker\(health.workers == 1 ? "" : "s"))")
                print("due       \(health.due)")
                func age(_ seconds: Double?) -> String { seconds.map { DurationParser.format(.seconds(Int64($0))) } ?? "-" }
                print("oldest    running \(age(health.oldestRunningAgeSeconds)), due \(age(health.oldestDueAgeSeconds))")
                for queue in health.queues {
                    print("queue     \(queue.name): waiting \(queue.waiting), queued \(queue.queued) (due \(queue.due), oldest \(age(queue.oldestDueAgeSeconds))), running \(queue.running)")
                }
                if let statistics = cacheStatistics { print("cache     \(HealthOutput.describe(statistics))") }
                for alert in health.alerts { print("alert     \(alert.message)") }
                if health.alerts.isEmpty { print("alerts    none") }
            }
            if check, !health.alerts.isEmpty { throw ExitCode(1) }
        }
    }
}

/// `jobctl health --json`: the store's health, and the repository cache's figures with `--cache`.
struct HealthOutput: Encodable {
    var health: JobStoreHealth
    var cache: RepositoryCache.Statistics?

    private enum Keys: String, CodingKey { case cache }

    func encode(to encoder: any Encoder) throws {
        try health.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(cache, forKey: .cache)
    }

    static func describe(_ statistics: RepositoryCache.Statistics) -> String {
        let limit = statistics.maxSizeBytes.map { " of \(CacheCommand.formatBytes($0))" } ?? ""
        let rate = statistics.hitRate.map { String(format: "%.0f %%", $0 * 100) } ?? "-"
        let requests = statistics.requests.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(statistics.directory): \(statistics.mirrors) mirror\(statistics.mirrors == 1 ? "" : "s"), "
            + "\(CacheCommand.formatBytes(statistics.sizeBytes))\(limit), hit rate \(rate)\(requests.isEmpty ? "" : " (\(requests))")"
    }
}
