import ArgumentParser
import Foundation
import Hummingbird
import JobCore
import JobCoreHTTP
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API over the store (and, with --with-worker, run jobs in the same process).",
        discussion: """
        The API is described in docs/http.md and by GET /openapi.json; GET /metrics serves \
        Prometheus metrics. Every route but /openapi.json needs an access token (jobctl tokens \
        create). With --tls-cert and --tls-key it serves HTTPS (TLS 1.2 or later) and may listen \
        on any address; without TLS it listens on a loopback address (127.0.0.1, ::1, localhost) \
        unless --insecure-listen. Browsers of other origins are refused unless --cors-origin \
        names them; --rate-limit bounds each client's requests (429 over it). SIGTERM or SIGINT \
        stops it gracefully, together \
        with the worker of --with-worker (running jobs finish for --grace, the rest return to the \
        queue).

        Examples:
          jobctl tokens create --scope operate --name ci
          jobctl serve                                  # http://127.0.0.1:8080
          jobctl serve --listen 127.0.0.1:9000 --with-worker --concurrency 8
          jobctl serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem
          jobctl serve --cors-origin https://ops.example.com --rate-limit 200/s
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var commands: CommandWorkerOptions
    @OptionGroup var repository: RepositoryOptions
    @Option(help: ArgumentHelp("Where to listen: HOST:PORT, loopback unless TLS (port 0 picks a free one).", valueName: "host:port"))
    var listen: String = "127.0.0.1:8080"
    @Flag(name: .customLong("insecure-listen"), help: "Allow a --listen address other than loopback without TLS (tokens in clear text).")
    var insecureListen = false
    @OptionGroup var security: ServeSecurityOptions
    @Flag(name: .customLong("with-worker"), help: "Also run a worker in this process, stopped together with the server.")
    var withWorker = false
    @Flag(name: .customLong("allow-local-repositories"), help: "Let jobs created over HTTP name a local path as their repository.")
    var allowLocalRepositories = false
    @Flag(name: .customLong("no-dashboard"), help: "Serve the API only, without the dashboard at / (see docs/http.md).")
    var noDashboard = false
    @Option(help: "With --with-worker: jobs run at once.") var concurrency: Int = 4
    @Option(name: .customLong("key-limit"), help: "With --with-worker: jobs of one key running at once, across all workers.")
    var keyLimit: Int = 1
    @Option(help: ArgumentHelp("With --with-worker: lease length, at least 1s.", valueName: "duration")) var lease: Duration = .seconds(30)
    @Option(help: "With --with-worker: the queue to take jobs from.") var queue: String = JobOptions.defaultQueue
    @Option(name: .customLong("capability"), help: ArgumentHelp(
        "With --with-worker: a capability the worker has, in the worker registry (repeatable).", valueName: "name"))
    var capabilities: [String] = []
    @Option(name: .customLong("label"), help: ArgumentHelp("With --with-worker: a label of the worker (repeatable).", valueName: "key=value"))
    var labels: [String] = []
    @Option(help: ArgumentHelp(
        "With --with-worker: how long running jobs may go on after SIGTERM before they return to the queue.", valueName: "duration"))
    var grace: Duration = .seconds(30)
    @Option(name: .customLong("max-body"), help: "The largest request body accepted, in bytes.") var maxBody: Int = 64 * 1024
    @Option(name: .customLong("metrics-interval"), help: ArgumentHelp(
        "How often the store's depth gauges of /metrics are sampled (one query each).", valueName: "duration"))
    var metricsInterval: Duration = .seconds(15)

    func validate() throws {
        _ = try WorkerCommand.labelMap(labels)
        guard withWorker || (capabilities.isEmpty && labels.isEmpty) else {
            throw ValidationError("--capability and --label describe the worker of --with-worker")
        }
        guard let address = MetricsEndpoint.Address(listen) else {
            throw ValidationError("--listen must be HOST:PORT, such as 127.0.0.1:8080")
        }
        guard Self.isLoopback(address.host) || security.servesTLS || insecureListen else {
            throw ValidationError(
                "--listen \(address) is not a loopback address (127.0.0.1, ::1, localhost) and there is no TLS, so access tokens would cross the network in clear text: give --tls-cert and --tls-key, or --insecure-listen to do it anyway"
            )
        }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be from 1 to 1024") }
        guard (1...100_000).contains(keyLimit) else { throw ValidationError("--key-limit must be from 1 to 100000") }
        guard (1024...(64 << 20)).contains(maxBody) else { throw ValidationError("--max-body must be from 1024 to 67108864 bytes") }
        guard metricsInterval > .zero else { throw ValidationError("--metrics-interval must be positive") }
    }

    /// The store's access tokens: every store of JobCore keeps them.
    static func accessTokens(of store: any JobStore) throws -> any AccessTokenStore {
        guard let tokens = store as? any AccessTokenStore else { throw CLIError(.invalidInput, "this store does not keep access tokens") }
        return tokens
    }

    /// Whether `host` names this machine only: 127.0.0.0/8, ::1 or localhost.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    func run() async throws {
        try await reportingErrors(credential: withWorker ? commands.credentials.describe(installationID: nil) : nil) {
            guard let address = MetricsEndpoint.Address(listen) else { throw CLIError(.invalidInput, "invalid --listen") }
            let logger = global.makeLogger()
            let resolution = repository.resolution
            try RepositorySource.validateBaseURL(resolution.baseURL)
            var workerConfiguration: Worker.Configuration?
            if withWorker {
                var configuration = Worker.Configuration(
                    queue: queue, concurrency: concurrency, keyLimit: keyLimit, lease: lease, shutdownGracePeriod: grace
                )
                configuration.capabilities = Set(capabilities)
                configuration.labels = try WorkerCommand.labelMap(labels)
                // Before anything is touched: a lease the worker could not keep is invalid input (exit 2).
                try configuration.validate()
                workerConfiguration = configuration
            }
            let store = try global.storeOptions.open(listen: withWorker, logger: logger)
            try await StoreOptions.connect(store)
            // Metrics first: the worker reads the backend when it is created.
            let exporter = PrometheusExporter.bootstrap()
            let accessTokens = try Self.accessTokens(of: store)
            var apiConfiguration = JobCoreAPI.Configuration(
                maxBodySize: maxBody, repositoryResolution: resolution,
                allowsLocalRepositories: allowLocalRepositories, metrics: { exporter.render() },
                accessTokens: accessTokens
            )
            apiConfiguration.corsOrigins = security.corsOrigins
            apiConfiguration.rateLimit = security.limit
            apiConfiguration.dashboard = !noDashboard
            // POST /v1/workspaces/sweep sweeps this host's workspace root, as jobctl workspace sweep does.
            apiConfiguration.workspaces = LocalWorkspaceManager(configuration: .init(root: global.resolvedWorkspaceRoot), logger: logger)
            let api = JobCoreAPI(store: store, configuration: apiConfiguration)
            let tls = try security.tlsConfiguration()
            if !Self.isLoopback(address.host), tls == nil {
                logger.warning("listening on a non-loopback address without TLS (--insecure-listen): access tokens cross the network in clear text", metadata: [
                    "http.address": "\(address)",
                ])
            }

            let listening = ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: "jobctl")
            let onServerRunning: @Sendable (any Channel) async -> Void = { channel in
                logger.notice("http server listening", metadata: [
                    "http.address": "\(channel.localAddress.map { "\($0)" } ?? "?")",
                    "http.port": "\(channel.localAddress?.port ?? 0)",
                    "http.scheme": "\(tls == nil ? "http" : "https")",
                ])
                // The store runs by now (it starts first in the group below).
                if (try? await accessTokens.accessTokens().isEmpty) == true {
                    logger.notice("no access token yet: create one with jobctl tokens create --scope read|operate|admin --name NAME")
                }
            }
            let server: any Service = if let tls {
                try api.makeApplication(configuration: listening, tlsConfiguration: tls, onServerRunning: onServerRunning, logger: logger)
            } else {
                api.makeApplication(configuration: listening, onServerRunning: onServerRunning, logger: logger)
            }
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
                .init(service: store),
                .init(service: JobStoreGauges(store: store, interval: metricsInterval, logger: logger)),
                .init(service: server),
            ]
            if let workerConfiguration {
                let tokens = try commands.credentials.provider(logger: logger)
                let workspaces = try commands.makeWorkspaces(root: try commands.checkedWorkspaceRoot(global), logger: logger)
                _ = await workspaces.sweepStale(olderThan: lease * 2)
                let worker = commands.makeWorker(
                    store: store, configuration: workerConfiguration, workspaces: workspaces, tokens: tokens, logger: logger
                )
                // A drained worker (jobctl workers drain) returns by itself: the process exits 0,
                // the server with it, as a deploy expects of a drained process.
                services.append(.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup))
            }
            // One group: a signal stops the worker first (reverse order), then the server and the store.
            let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            logger.notice("server stopped")
        }
    }
}
