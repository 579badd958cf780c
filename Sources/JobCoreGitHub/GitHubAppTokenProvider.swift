public import AsyncHTTPClient
import Foundation
public import JobCore
public import Logging
import Synchronization

/// Hands out GitHub App installation tokens; the tenant is the installation id.
///
/// Each installation's token is cached and reused until ``Configuration/refreshMargin`` before
/// its `expires_at`. Concurrent requests for one installation share one HTTP call; requests for
/// different installations run independently (no lock is held across a network call). A caller
/// that is cancelled stops waiting; the HTTP call is cancelled once nobody waits for it.
///
/// After the API answers "rate limited", requests that need a new token fail at once with
/// `.rateLimited` (and the remaining wait) until that time, without calling the API. The wait is
/// the one GitHub names (`Retry-After`, or `x-ratelimit-reset` when `x-ratelimit-remaining` is
/// 0); when it names none (a secondary rate limit), it is one minute, doubled for each
/// rate-limited answer in a row, up to ``Configuration/maximumRateLimitBackoff``.
/// Cached tokens are still handed out meanwhile.
public final class GitHubAppTokenProvider: TokenProvider {
    /// The configuration the provider was created with.
    public let configuration: Configuration

    let httpClient: HTTPClient
    let clock: any WallClock
    let logger: Logger
    let jwt: GitHubAppJWT
    private let state = Mutex(State())

    private struct Flight {
        let id: UInt64
        var waiters: [UInt64: CheckedContinuation<AccessToken, any Error>] = [:]
        var task: Task<Void, Never>?
    }

    private struct Slot {
        var token: AccessToken?
        var flight: Flight?
    }

    private struct State {
        var slots: [String: Slot] = [:]
        var nextID: UInt64 = 0
        var rateLimitedUntil: Date?
        /// Rate-limited answers in a row, for the exponential back-off.
        var rateLimitedStreak = 0
    }

    /// Creates a provider.
    /// - Parameters:
    ///   - httpClient: the client for the API. Defaults to `HTTPClient.shared`.
    ///   - configuration: the app, its key, the API and the caching and scoping options.
    ///   - clock: the source of time for JWTs and expiry. Defaults to the system clock.
    ///   - logger: where to log; the provider adds `github.app` and `github.installation`.
    ///     Defaults to a logger labelled `jobcore.github`.
    public init(
        httpClient: HTTPClient = .shared,
        configuration: Configuration,
        clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "jobcore.github")
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.clock = clock
        var logger = logger
        logger[metadataKey: "github.app"] = .string(configuration.appID)
        self.logger = logger
        self.jwt = GitHubAppJWT(appID: configuration.appID, privateKey: configuration.privateKey)
    }

    /// Returns a token for an installation, from the cache when it is not near expiry.
    /// - Parameter tenant: the installation id; `nil` uses ``Configuration/defaultInstallationID``.
    /// - Throws: `TokenError` (see its codes) or `CancellationError`.
    public func token(for tenant: String?) async throws -> AccessToken {
        let cacheHit = CacheHitFlag()
        do {
            let token = try await requestToken(for: tenant, cacheHit: cacheHit)
            TokenMetrics.record(provider: "github_app", cacheHit: cacheHit.value.load(ordering: .relaxed), refused: false)
            return token
        } catch {
            TokenMetrics.record(provider: "github_app", cacheHit: false, refused: !(error is CancellationError))
            throw error
        }
    }

    /// Whether the cache answered a request (for the metrics).
    private final class CacheHitFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    private func requestToken(for tenant: String?, cacheHit: CacheHitFlag) async throws -> AccessToken {
        let installation = try installationID(tenant)
        let waiterID = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<AccessToken, any Error>) in
                let action = register(continuation, id: waiterID, installation: installation)
                switch action {
                case .resume(let token):
                    cacheHit.value.store(true, ordering: .relaxed)
                    logger.trace("using cached installation token", metadata: ["github.installation": "\(installation)"])
                    continuation.resume(returning: token)
                case .fail(let error):
                    continuation.resume(throwing: error)
                case .joined:
                    logger.trace("joining in-flight token request", metadata: ["github.installation": "\(installation)"])
                case .start(let flightID):
                    let task = Task { await self.fly(installation: installation, flightID: flightID) }
                    let stillWanted = state.withLock { state -> Bool in
                        guard state.slots[installation]?.flight?.id == flightID else { return false }
                        state.slots[installation]?.flight?.task = task
                        return true
                    }
                    if !stillWanted { task.cancel() }
                }
            }
        } onCancel: {
            let (continuation, task) = state.withLock { state -> (CheckedContinuation<AccessToken, any Error>?, Task<Void, Never>?) in
                guard var flight = state.slots[installation]?.flight,
                    let continuation = flight.waiters.removeValue(forKey: waiterID)
                else { return (nil, nil) }
                if flight.waiters.isEmpty {
                    state.slots[installation]?.flight = nil
                    return (continuation, flight.task)
                }
                state.slots[installation]?.flight = flight
                return (continuation, nil)
            }
            continuation?.resume(throwing: CancellationError())
            task?.cancel()
        }
    }

    /// Drops the cached token of an installation when it is `token`, so the next request fetches
    /// a new one. Call it when Git or the API refused the token.
    /// - Parameters:
    ///   - token: the token that was refused.
    ///   - tenant: the installation id; `nil` for ``Configuration/defaultInstallationID``.
    public func invalidate(_ token: AccessToken, for tenant: String?) async {
        guard let installation = try? installationID(tenant) else { return }
        let dropped = state.withLock { state -> Bool in
            guard let cached = state.slots[installation]?.token, cached.secret == token.secret else { return false }
            state.slots[installation]?.token = nil
            return true
        }
        if dropped {
            logger.debug("installation token invalidated", metadata: ["github.installation": "\(installation)"])
        }
    }

    private enum Action {
        case resume(AccessToken)
        case fail(any Error)
        case joined
        case start(flightID: UInt64)
    }

    private func register(
        _ continuation: CheckedContinuation<AccessToken, any Error>,
        id waiterID: UInt64,
        installation: String
    ) -> Action {
        state.withLock { state -> Action in
            // Task.isCancelled is set before onCancel runs: a cancellation that came before the
            // waiter is registered is seen here, so no waiter is left behind.
            if Task.isCancelled { return .fail(CancellationError()) }
            let now = clock.now
            var slot = state.slots[installation] ?? Slot()
            if let token = slot.token, isFresh(token, now: now) { return .resume(token) }
            if slot.flight != nil {
                slot.flight!.waiters[waiterID] = continuation
                state.slots[installation] = slot
                return .joined
            }
            if let until = state.rateLimitedUntil, now < until {
                return .fail(rateLimitedError(installation: installation, until: until, now: now))
            }
            state.nextID += 1
            var flight = Flight(id: state.nextID)
            flight.waiters[waiterID] = continuation
            slot.flight = flight
            state.slots[installation] = slot
            return .start(flightID: flight.id)
        }
    }

    /// Fetches a token and hands it (or the error) to every waiter of the flight.
    private func fly(installation: String, flightID: UInt64) async {
        var result: Result<AccessToken, any Error>
        do {
            result = .success(try await requestToken(installation: installation))
        } catch {
            result = .failure(error)
        }
        result = result.mapError { error in
            guard var error = error as? TokenError, error.code == .rateLimited else { return error }
            let streak = state.withLock { state -> Int in
                state.rateLimitedStreak += 1
                return state.rateLimitedStreak
            }
            if error.retryAfter == nil {
                let wait = Self.backoff(streak: streak, maximum: configuration.maximumRateLimitBackoff)
                error.retryAfter = wait
                error.message += ", retry after \(Self.format(wait))"
            }
            return error
        }
        if case .success = result { state.withLock { $0.rateLimitedStreak = 0 } }
        let waiters = state.withLock { state -> [CheckedContinuation<AccessToken, any Error>] in
            guard let flight = state.slots[installation]?.flight, flight.id == flightID else { return [] }
            state.slots[installation]?.flight = nil
            switch result {
            case .success(let token):
                state.slots[installation]?.token = token
                // Forget installations whose token has expired and that nobody is asking about.
                let now = clock.now
                state.slots = state.slots.filter { $0.value.flight != nil || $0.value.token?.isValid(at: now) == true }
            case .failure(let error):
                state.slots[installation]?.token = nil
                if let error = error as? TokenError, error.code == .rateLimited, let retryAfter = error.retryAfter {
                    state.rateLimitedUntil = clock.now.adding(retryAfter)
                }
            }
            return Array(flight.waiters.values)
        }
        for waiter in waiters {
            waiter.resume(with: result)
        }
    }

    /// One minute, doubled for each rate-limited answer in a row after the first, at most `maximum`.
    static func backoff(streak: Int, maximum: Duration) -> Duration {
        let doublings = min(max(streak - 1, 0), 20)
        return min(.seconds(60 << doublings), max(maximum, .seconds(60)))
    }

    private func isFresh(_ token: AccessToken, now: Date) -> Bool {
        token.isValid(at: now, for: configuration.refreshMargin)
    }

    private func rateLimitedError(installation: String, until: Date, now: Date) -> TokenError {
        let remaining = Duration.seconds(until.timeIntervalSince(now).rounded(.up))
        return TokenError(
            .rateLimited,
            "GitHub rate-limited app \(configuration.appID); no token requested for installation \(installation), retry after \(Self.format(remaining))",
            tenant: installation,
            retryAfter: remaining
        )
    }

    private func installationID(_ tenant: String?) throws -> String {
        guard let id = tenant ?? configuration.defaultInstallationID else {
            throw TokenError(.invalidTenant, "a GitHub App installation token needs an installation id, and none was given")
        }
        guard !id.isEmpty, id.count <= 20, id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw TokenError(.invalidTenant, "'\(id.prefix(40))' is not a GitHub App installation id (expected digits)")
        }
        return id
    }

    static func format(_ duration: Duration) -> String {
        let seconds = duration.timeInterval
        if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
        return "\(String(format: "%.1f", seconds)) s"
    }
}
