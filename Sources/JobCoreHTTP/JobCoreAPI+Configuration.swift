public import Foundation
public import JobCore

extension JobCoreAPI {
    /// What the API allows and how it answers.
    public struct Configuration: Sendable {
        /// The largest request body accepted; a larger one is answered with 413. Defaults to
        /// 64 KiB (a command job's description is far smaller).
        public var maxBodySize: Int
        /// The most jobs one page of `GET /v1/jobs` returns (`limit`). Defaults to 1000.
        public var maxPageSize: Int
        /// The jobs on a page when the request gives no `limit`. Defaults to 50.
        public var defaultPageSize: Int
        /// The most events one `GET /v1/jobs/{id}/events` returns. Defaults to 10000.
        public var maxEvents: Int
        /// The most log bytes one `GET /v1/jobs/{id}/logs` returns. Defaults to 1 MiB.
        public var maxLogBytes: Int
        /// The thresholds of `GET /v1/health` when the request gives none. Defaults to
        /// `HealthThresholds`'s defaults (2 h running, 1000 due).
        public var healthThresholds: HealthThresholds
        /// How `owner/repo` sources of new command jobs are resolved. Defaults to
        /// `https://github.com`.
        public var repositoryResolution: RepositorySource.Resolution
        /// Whether a new command job may name a local path as its repository (a path on the
        /// machine of the worker that runs it). Defaults to `false`: a remote client cannot
        /// make a worker read local directories.
        public var allowsLocalRepositories: Bool
        /// Renders the process's metrics in the Prometheus text format for `GET /metrics`
        /// (for example swift-prometheus's `PrometheusCollectorRegistry.emit(into:)`). Defaults
        /// to `nil`: `/metrics` answers 404.
        public var metrics: (@Sendable () -> [UInt8])?
        /// Where the access tokens are kept (usually the job store itself: every store of JobCore
        /// is an `AccessTokenStore`). When set, every route but `/openapi.json` needs a Bearer
        /// token with the route's scope (``Endpoint/scope``). Defaults to `nil`: no
        /// authentication at all — serve the API on a loopback address only.
        public var accessTokens: (any AccessTokenStore)?
        /// Whether ``addRoutes(to:)`` adds the dashboard too: pages at `/` and `/jobs/{id}`
        /// and their files under `/dashboard/`, served without a token (they hold no data; their
        /// scripts call the API with a token kept in the browser's session storage), outside
        /// the OpenAPI document. Defaults to `true`.
        public var dashboard: Bool = true
        /// The origins (exact, such as `https://ops.example.com`) whose pages may call the API
        /// from a browser (CORS): their requests get `Access-Control-Allow-Origin`, and their
        /// preflight requests an answer. Defaults to none: no `Access-Control-*` header at all.
        public var corsOrigins: [String] = []
        /// A per-client rate limit: over it, a request is answered 429 with `Retry-After`.
        /// Defaults to `nil`: no limit.
        public var rateLimit: RateLimit? = nil
        /// The kinds besides `command` that `POST /v1/jobs` creates, by name, with what checks
        /// and writes a payload (``allow(_:)`` adds one). Defaults to none.
        public private(set) var creatableKinds: [String: @Sendable (Data) throws -> Data] = [:]
        /// How long the API trusts a token's record once read from ``accessTokens``: a token
        /// revoked by another process (`jobctl tokens revoke`) stops working within this time.
        /// Its secret is still checked against the record at every request. Defaults to 1 s
        /// (one store read per token and second instead of one per request); zero reads at every
        /// request.
        public var tokenCacheDuration: Duration = .seconds(1)
        /// The source of time of the token cache. Defaults to the system clock.
        public var clock: any WallClock = SystemClock()
        /// The workspaces `POST /v1/workspaces/sweep` sweeps (usually the workers' own
        /// `LocalWorkspaceManager` on this host). Defaults to `nil`: the route answers 404.
        public var workspaces: (any WorkspaceManager)? = nil
        /// How often a Server-Sent Events stream (`…/events/stream`, `…/logs/stream`) reads
        /// the store for what is new: the most a message arrives after the store has it.
        /// Defaults to 250 ms (one indexed read per open stream and interval).
        public var streamPollInterval: Duration = .milliseconds(250)
        /// After how long without a message a stream sends a comment, so that proxies and
        /// clients do not take it for dead. Defaults to 15 s.
        public var streamKeepAlive: Duration = .seconds(15)

        /// Creates a configuration; every parameter has the default its property documents.
        public init(
            maxBodySize: Int = 64 * 1024, maxPageSize: Int = 1000, defaultPageSize: Int = 50, maxEvents: Int = 10_000,
            maxLogBytes: Int = 1 << 20, healthThresholds: HealthThresholds = HealthThresholds(),
            repositoryResolution: RepositorySource.Resolution = RepositorySource.Resolution(),
            allowsLocalRepositories: Bool = false, metrics: (@Sendable () -> [UInt8])? = nil,
            accessTokens: (any AccessTokenStore)? = nil
        ) {
            self.maxBodySize = maxBodySize
            self.maxPageSize = maxPageSize
            self.defaultPageSize = defaultPageSize
            self.maxEvents = maxEvents
            self.maxLogBytes = maxLogBytes
            self.healthThresholds = healthThresholds
            self.repositoryResolution = repositoryResolution
            self.allowsLocalRepositories = allowsLocalRepositories
            self.metrics = metrics
            self.accessTokens = accessTokens
        }
    }
}

extension JobCoreAPI.Configuration {
    /// Lets `POST /v1/jobs` create jobs of `kind`: a body `{"kind": NAME, "payload": {…}, …options}`
    /// whose payload decodes as `Payload` (else 400, naming the field) is stored as
    /// `DurableJobQueue.enqueue(_:_:)` stores it, for the handler registered for the kind. The
    /// name `command` stays the built-in command job's.
    ///
    /// <!-- sample: context=mail -->
    /// ```swift
    /// var configuration = JobCoreAPI.Configuration()
    /// configuration.allow(JobKind<Mail>("send-mail"))
    /// ```
    public mutating func allow<Payload>(_ kind: JobKind<Payload>) {
        guard kind.name != CommandJob.kind.name else { return }
        creatableKinds[kind.name] = { data in
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return try encoder.encode(try JSONDecoder().decode(Payload.self, from: data))
        }
    }
}
