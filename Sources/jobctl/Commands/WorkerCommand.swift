import ArgumentParser
import Foundation
import JobCore
import Logging
import ServiceLifecycle
import UnixSignals

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run jobs from the store until stopped (SIGTERM or SIGINT: graceful shutdown).",
        discussion: """
        Claims up to --concurrency jobs at a time, at most --key-limit per concurrency key across \
        every worker sharing the store, renews leases, returns other workers' expired leases to \
        the queue, and on SIGTERM/SIGINT stops claiming, lets running jobs finish for --grace, \
        then stops the rest and returns them to the queue. Stale workspaces of dead processes are \
        swept when it starts.

        Examples:
          jobctl worker --concurrency 8 --log-format json
          jobctl worker --drain            # exit once nothing is queued or running
          jobctl worker --metrics-listen 127.0.0.1:9464   # Prometheus metrics at /metrics
          jobctl worker --capability gpu --label zone=eu  # as the worker registry shows it

        The worker records itself in the store's worker registry (jobctl workers) and renews \
        the record at every heartbeat; jobctl workers drain ID makes it stop claiming, finish \
        its running jobs and exit 0.
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var commands: CommandWorkerOptions
    @Option(help: "Jobs run at once.") var concurrency: Int = 4
    @Option(name: .customLong("key-limit"), help: "Jobs of one key running at once, across all workers.") var keyLimit: Int = 1
    @Option(help: ArgumentHelp("Lease length, at least 1s; renewed every third of it.", valueName: "duration")) var lease: Duration = .seconds(30)
    @Option(help: "Queue to take jobs from.") var queue: String = JobOptions.defaultQueue
    @Option(name: .customLong("worker-id"), help: "This worker's id (default: host-pid-random).") var workerID: String?
    @Option(name: .customLong("capability"), help: ArgumentHelp(
        "A capability this worker has, recorded in the worker registry (repeatable; lowercase [a-z0-9][a-z0-9._:-]*).", valueName: "name"))
    var capabilities: [String] = []
    @Option(name: .customLong("label"), help: ArgumentHelp("A label of this worker in the worker registry (repeatable).", valueName: "key=value"))
    var labels: [String] = []
    /// Without it, the worker runs until SIGTERM or SIGINT.
    @Flag var drain: DrainFlag?
    @Option(help: ArgumentHelp("How long running jobs may go on after SIGTERM before they are stopped and returned to the queue.", valueName: "duration"))
    var grace: Duration = .seconds(30)
    @Option(name: .customLong("poll-interval"), help: ArgumentHelp("How often to look for jobs enqueued by other processes.", valueName: "duration"))
    var pollInterval: Duration = .seconds(1)
    @Option(name: .customLong("metrics-listen"), help: ArgumentHelp(
        "Serve Prometheus metrics at http://ADDRESS/metrics (e.g. 127.0.0.1:9464; port 0 picks a free one).", valueName: "host:port"))
    var metricsListen: String?
    @Option(name: .customLong("metrics-interval"), help: ArgumentHelp(
        "With --metrics-listen: how often the store's depth gauges are sampled (one query each).", valueName: "duration"))
    var metricsInterval: Duration = .seconds(15)

    func validate() throws {
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be from 1 to 1024") }
        guard (1...100_000).contains(keyLimit) else { throw ValidationError("--key-limit must be from 1 to 100000") }
        if let metricsListen, MetricsEndpoint.Address(metricsListen) == nil {
            throw ValidationError("--metrics-listen must be HOST:PORT, such as 127.0.0.1:9464")
        }
        guard metricsInterval > .zero else { throw ValidationError("--metrics-interval must be positive") }
        _ = try Self.labelMap(labels)
    }

    /// `key=value` arguments as a map; a key given twice or an argument without `=` is invalid.
    static func labelMap(_ arguments: [String]) throws -> [String: String] {
        var labels: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "=") else { throw ValidationError("--label must be KEY=VALUE: \(argument)") }
            let key = String(argument[..<equals])
            guard labels.updateValue(String(argument[argument.index(after: equals)...]), forKey: key) == nil else {
                throw ValidationError("--label \(key) is given twice")
            }
        }
        return labels
    }

    func run() async throws {
        try await reportingErrors(credential: commands.credentials.describe(installationID: nil)) {
            var configuration = Worker.Configuration(
                queue: queue, concurrency: concurrency, keyLimit: keyLimit, lease: lease,
                pollInterval: pollInterval, shutdownGracePeriod: grace, drain: drain?.mode
            )
            if let workerID { configuration.workerID = workerID }
            configuration.capabilities = Set(capabilities)
            configuration.labels = try Self.labelMap(labels)
            // Before anything is touched: a lease the worker could not keep is invalid input (exit 2).
            try configuration.validate()
            let logger = global.makeLogger()
            let tokens = try commands.credentials.provider(logger: logger)
            let workspaces = try commands.makeWorkspaces(root: try commands.checkedWorkspaceRoot(global), logger: logger)
            _ = await workspaces.sweepStale(olderThan: lease * 2)
            let location = try global.storeOptions.location()
            logger.notice("worker started", metadata: [
                "worker.id": "\(configuration.workerID)", "concurrency": "\(concurrency)", "queue": "\(queue)", "store": "\(location)",
            ])
            let store = try global.storeOptions.open(listen: true, logger: logger)
            try await StoreOptions.connect(store)
            // Metrics first: the worker reads the backend when it is created.
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: store)]
            if let metricsListen, let address = MetricsEndpoint.Address(metricsListen) {
                let exporter = PrometheusExporter.bootstrap()
                services.append(.init(service: MetricsEndpoint(address: address, logger: logger) { exporter.render() }))
                services.append(.init(service: JobStoreGauges(store: store, interval: metricsInterval, logger: logger)))
            }
            let worker = commands.makeWorker(store: store, configuration: configuration, workspaces: workspaces, tokens: tokens, logger: logger)
            services.append(.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup))
            // One group: a signal shuts the worker down gracefully, then the others (reverse order).
            let group = ServiceGroup(configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
            ))
            try await group.run()
            logger.notice("worker stopped")
        }
    }
}
