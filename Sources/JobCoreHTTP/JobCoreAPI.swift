public import HTTPTypes
public import Hummingbird
public import HummingbirdCore
public import JobCore
public import Logging
public import NIOCore

/// The control plane of a `JobStore` over HTTP: the routes of `/v1` (jobs, their runs,
/// events and logs, health), `/openapi.json` and `/metrics`, as described in
/// `docs/http.md` and the OpenAPI document the API serves.
///
/// Mount it in your own Hummingbird application with ``addRoutes(to:)``, or run it alone
/// with ``makeApplication(configuration:onServerRunning:logger:)``. Every answer is JSON in the shapes of
/// `jobctl … --json`; every error is `{"error": {"code": …, "message": …}}` (``APIError``).
///
/// ```swift
/// import Hummingbird
/// import JobCore
/// import JobCoreHTTP
///
/// let router = Router()
/// JobCoreAPI(store: MemoryJobStore()).addRoutes(to: router)
/// ```
///
/// With ``Configuration/accessTokens`` every route but `/openapi.json` needs a Bearer token
/// (``AccessTokens``) whose scope is at least the route's (``Endpoint/scope``): 401 without a
/// valid one, 403 with too small a scope. Without it the API authenticates nobody: serve it on
/// a loopback address only, or behind something that authenticates.
public struct JobCoreAPI: Sendable {
    /// One route: a method and a path, with parameters in braces as in OpenAPI (`/v1/jobs/{id}`).
    public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
        /// The HTTP method.
        public var method: HTTPRequest.Method
        /// The path, such as `/v1/jobs/{id}/cancel`.
        public var path: String
        /// The scope an access token needs for it when the API authenticates
        /// (``Configuration/accessTokens``); `nil` when it is open to anyone (`/openapi.json`).
        public var scope: AccessScope?

        public var description: String { "\(method.rawValue) \(path)" }
    }

    /// The store the API serves.
    public let store: any JobStore
    /// What the API allows and how it answers.
    public let configuration: Configuration
    /// The clients' budgets of ``Configuration/rateLimit``, shared by every router the API is
    /// added to.
    let rateLimiter: RateLimiter?
    /// ``Configuration/accessTokens``, each token's record read at most once per
    /// ``Configuration/tokenCacheDuration``.
    let tokens: (any AccessTokenStore)?

    /// Creates the API over a store.
    /// - Parameters:
    ///   - store: the job store; the caller runs it (it is a `Service`).
    ///   - configuration: limits and options. Defaults to the defaults of ``Configuration``.
    public init(store: any JobStore, configuration: Configuration = Configuration()) {
        self.store = store
        self.configuration = configuration
        self.rateLimiter = configuration.rateLimit.map { RateLimiter($0) }
        self.tokens = configuration.accessTokens.map {
            CachedAccessTokens($0, ttl: configuration.tokenCacheDuration, clock: configuration.clock)
        }
    }

    /// Every route the API serves.
    public var endpoints: [Endpoint] { routes.map(\.endpoint) }

    /// Adds the API's routes to a router or a router group, behind ``APIErrorMiddleware``. A
    /// path of the API asked for with another method is answered with 405 and `Allow`.
    /// - Parameter router: a `Router` or a `RouterGroup` of the embedding application; the
    ///   routes are added at `/v1/…`, `/openapi.json` and `/metrics` below it, and the
    ///   dashboard's at `/`, `/jobs/{id}` and `/dashboard/…` (``Configuration/dashboard``).
    public func addRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        let group = router.group()
        if !configuration.corsOrigins.isEmpty { group.add(middleware: CORSOriginsMiddleware<Context>(origins: configuration.corsOrigins)) }
        group.add(middleware: APIErrorMiddleware<Context>())
        var methodsByPath: [String: [HTTPRequest.Method]] = [:]
        for route in routes {
            methodsByPath[route.endpoint.path, default: []].append(route.endpoint.method)
            let handler = route.handler
            let tokens = route.endpoint.scope == nil ? nil : self.tokens
            let scope = route.endpoint.scope ?? .read
            group.on(Self.routerPath(route.endpoint.path), method: route.endpoint.method) { request, context in
                let remoteAddress = (context as? any RemoteAddressRequestContext)?.remoteAddress
                let logger = try await admit(request, remoteAddress: remoteAddress, scope: scope, tokens: tokens, logger: context.logger)
                return try await handler(request, RouteContext(parameters: context.parameters, logger: logger))
            }
        }
        for (path, methods) in methodsByPath.sorted(by: { $0.key < $1.key }) {
            let allow = methods.map(\.rawValue).joined(separator: ", ")
            // With CORS, OPTIONS reaches the group: a preflight is answered by CORSOriginsMiddleware.
            let answered = Self.answeredMethods + (configuration.corsOrigins.isEmpty ? [] : [.options])
            for method in answered where !methods.contains(method) {
                group.on(Self.routerPath(path), method: method) { _, _ -> Response in
                    throw APIError(.methodNotAllowed, code: "methodNotAllowed", "\(path) allows \(allow)", headers: [.allow: allow])
                }
            }
        }
        // Not in `routes` (nor the OpenAPI document): pages and files for a browser.
        if configuration.dashboard { Dashboard().addRoutes(to: router) }
    }

    /// A complete server of the API: a Hummingbird `Application` (a `Service`) whose unknown
    /// routes are answered with the API's error document too.
    /// - Parameters:
    ///   - configuration: where to listen (Hummingbird's `ApplicationConfiguration`).
    ///   - onServerRunning: told the listening channel once the server runs (its local
    ///     address has the port when the configuration asked for port 0). Defaults to nothing.
    ///   - logger: the server's logger.
    /// - Returns: the application; run it with `runService()` or in a `ServiceGroup`.
    public func makeApplication(
        configuration: ApplicationConfiguration,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        logger: Logger
    ) -> some ApplicationProtocol {
        makeApplication(configuration: configuration, server: .http1(), onServerRunning: onServerRunning, logger: logger)
    }

    /// A complete server of the API on a server of your choice, such as HummingbirdTLS's
    /// `.tls(.http1(), tlsConfiguration:)` (see ``makeApplication(configuration:tlsConfiguration:onServerRunning:logger:)``).
    /// - Parameters:
    ///   - configuration: where to listen (Hummingbird's `ApplicationConfiguration`).
    ///   - server: the child channel setup (Hummingbird's `HTTPServerBuilder`).
    ///   - onServerRunning: told the listening channel once the server runs. Defaults to nothing.
    ///   - logger: the server's logger.
    /// - Returns: the application; run it with `runService()` or in a `ServiceGroup`.
    public func makeApplication(
        configuration: ApplicationConfiguration,
        server: HTTPServerBuilder,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        logger: Logger
    ) -> some ApplicationProtocol {
        Application(router: makeRouter(), server: server, configuration: configuration, onServerRunning: onServerRunning, logger: logger)
    }

    /// The router of ``makeApplication(configuration:onServerRunning:logger:)``: the API's routes,
    /// and the API's error document for every other route. Add routes of your own to it (such as
    /// the GitHub webhook of `JobCoreHTTPGitHub`), then make a Hummingbird `Application` of it.
    public func makeRouter() -> Router<JobCoreRequestContext> {
        let router = Router(context: JobCoreRequestContext.self)
        router.add(middleware: APIErrorMiddleware())
        addRoutes(to: router)
        return router
    }

    /// The methods answered with 405 on a path of the API that does not serve them.
    static let answeredMethods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]

    /// Hummingbird's form of an OpenAPI path: `{id}` becomes `:id`.
    static func routerPath(_ path: String) -> RouterPath {
        RouterPath(path.split(separator: "/").map { $0.hasPrefix("{") ? ":" + $0.dropFirst().dropLast() : $0 }.joined(separator: "/"))
    }
}

/// What a handler gets besides the request: the path's parameters and the request's logger.
struct RouteContext {
    var parameters: Parameters
    var logger: Logger
}

/// A route of the API: its endpoint and its handler.
struct Route: Sendable {
    var endpoint: JobCoreAPI.Endpoint
    var handler: @Sendable (Request, RouteContext) async throws -> Response

    init(
        _ method: HTTPRequest.Method, _ path: String, scope: AccessScope?,
        _ handler: @escaping @Sendable (Request, RouteContext) async throws -> Response
    ) {
        endpoint = JobCoreAPI.Endpoint(method: method, path: path, scope: scope)
        self.handler = handler
    }
}
