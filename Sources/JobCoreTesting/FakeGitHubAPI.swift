public import Foundation
public import JobCore
import Synchronization

/// A fake GitHub REST API on 127.0.0.1 that issues installation tokens, for tests.
///
/// It serves `POST /app/installations/{id}/access_tokens`: it verifies the JWT's RS256
/// signature against the app's public key and its claims (`iss` is the app id, `iat` not in the
/// future, `exp` in the future and at most 10 minutes on, all by its own clock), then issues a
/// random token expiring ``tokenLifetime`` later. It counts and records every request and can be
/// told to answer an error (``answer(_:for:)``), to answer slowly (``setResponseDelay(_:for:)``)
/// or to hold answers until released (``holdResponses()``).
///
/// <!-- sample: context=manual-clock -->
/// ```swift
/// try await withFakeGitHubAPI(installations: ["42"], clock: clock) { api in
///     // configure a provider with api.baseURL, api.appID and api.keyPair.privateKeyPKCS1PEM
/// }
/// ```
public final class FakeGitHubAPI: Sendable {
    /// The app id JWTs must carry in `iss` (as a number or a string).
    public let appID: String
    /// The app's key pair; the fake verifies with its public key.
    public let keyPair: AppKeyPair
    /// How long issued tokens live.
    public let tokenLifetime: Duration
    let clock: any WallClock
    let state: Mutex<State>
    private let server: Mutex<TestHTTPServer?>

    struct State {
        var installations: Set<String>
        var replies: [String: Reply] = [:]
        var defaultReply: Reply = .issueToken
        var delays: [String: Duration] = [:]
        var defaultDelay: Duration?
        var held = false
        var heldWaiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var nextID: UInt64 = 0
        var requests: [RecordedRequest] = []
        var requestWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var issued: [IssuedToken] = []
        var revoked: Set<String> = []
    }

    /// The root URL to configure clients with, `http://127.0.0.1:PORT`.
    public var baseURL: URL {
        server.withLock { $0?.baseURL } ?? URL(string: "http://127.0.0.1:1")!
    }

    private init(appID: String, keyPair: AppKeyPair, installations: Set<String>, clock: any WallClock, tokenLifetime: Duration) {
        self.appID = appID
        self.keyPair = keyPair
        self.clock = clock
        self.tokenLifetime = tokenLifetime
        self.state = Mutex(State(installations: installations))
        self.server = Mutex(nil)
    }

    /// Starts a fake API on 127.0.0.1 and a free port.
    /// - Parameters:
    ///   - appID: the app id JWTs must carry. Defaults to `"12345"`.
    ///   - keyPair: the app's keys. Defaults to ``AppKeyPair/shared``.
    ///   - installations: the installation ids that exist. Defaults to `["1"]`.
    ///   - clock: the fake's time, for JWT checks and token expiry. Defaults to the system clock.
    ///   - tokenLifetime: how long issued tokens live. Defaults to 1 hour, as on GitHub.
    /// - Returns: the running fake; call ``shutdown()`` when done.
    /// - Throws: when no port can be bound.
    public static func start(
        appID: String = "12345",
        keyPair: AppKeyPair = .shared,
        installations: Set<String> = ["1"],
        clock: any WallClock = SystemClock(),
        tokenLifetime: Duration = .seconds(3600)
    ) async throws -> FakeGitHubAPI {
        let api = FakeGitHubAPI(
            appID: appID, keyPair: keyPair, installations: installations, clock: clock, tokenLifetime: tokenLifetime
        )
        let server = try await TestHTTPServer.start { [weak api] request in
            guard let api else { return .json(503, ["message": "fake GitHub API is gone"]) }
            return try await api.handle(request)
        }
        api.server.withLock { $0 = server }
        return api
    }

    /// Stops the server, closing open connections and failing held or delayed requests.
    public func shutdown() async throws {
        let server = self.server.withLock { $0 }
        let held = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            defer { state.heldWaiters = [:] }
            return Array(state.heldWaiters.values)
        }
        held.forEach { $0.resume(throwing: CancellationError()) }
        try await server?.shutdown()
    }

    // MARK: Behaviour

    /// Makes the fake answer token requests for `installation` (or, when `nil`, for every
    /// installation without its own answer) with `reply`. ``Reply/issueToken`` restores the normal answer.
    public func answer(_ reply: Reply, for installation: String? = nil) {
        state.withLock { state in
            if let installation { state.replies[installation] = reply } else { state.defaultReply = reply }
        }
    }

    /// Delays answers for `installation` (or every installation) by `delay` of real time; the
    /// delay ends early when the client disconnects. `nil` removes the delay.
    public func setResponseDelay(_ delay: Duration?, for installation: String? = nil) {
        state.withLock { state in
            if let installation { state.delays[installation] = delay } else { state.defaultDelay = delay }
        }
    }

    /// Holds every answer until ``releaseResponses()``.
    public func holdResponses() {
        state.withLock { $0.held = true }
    }

    /// Lets held answers go, and stops holding new ones.
    public func releaseResponses() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.held = false
            defer { state.heldWaiters = [:] }
            return Array(state.heldWaiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Makes an installation exist.
    public func addInstallation(_ id: String) {
        _ = state.withLock { $0.installations.insert(id) }
    }

    /// Makes an installation disappear (token requests for it answer 404).
    public func removeInstallation(_ id: String) {
        _ = state.withLock { $0.installations.remove(id) }
    }

    /// Revokes an issued token: ``installation(authorizedBy:)`` no longer accepts it.
    public func revoke(token: String) {
        _ = state.withLock { $0.revoked.insert(token) }
    }

    // MARK: Observation

    /// Every request received, in order.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// The number of requests received, of any kind.
    public var requestCount: Int { state.withLock { $0.requests.count } }

    /// The number of token requests received for `installation`, or for any installation.
    public func tokenRequestCount(installation: String? = nil) -> Int {
        state.withLock { state in
            state.requests.filter { request in
                request.installation != nil && (installation == nil || request.installation == installation)
            }.count
        }
    }

    /// Every token the fake issued, in order.
    public var issuedTokens: [IssuedToken] { state.withLock { $0.issued } }

    /// The installation a token was issued for, when it was issued here, has not expired by the
    /// fake's clock and has not been revoked; otherwise `nil`. A fake Git server can authorize with it.
    public func installation(authorizedBy token: String) -> String? {
        let now = clock.now
        return state.withLock { state in
            guard !state.revoked.contains(token),
                let issued = state.issued.last(where: { $0.token == token }),
                now < issued.expiresAt
            else { return nil }
            return issued.installation
        }
    }

    /// Waits until at least `count` requests have been received.
    public func waitForRequests(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.requests.count >= count { return true }
                state.requestWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// Runs `body` with a started ``FakeGitHubAPI`` and shuts it down afterwards, also on errors.
/// - Parameters:
///   - appID: the app id JWTs must carry. Defaults to `"12345"`.
///   - keyPair: the app's keys. Defaults to ``FakeGitHubAPI/AppKeyPair/shared``.
///   - installations: the installation ids that exist. Defaults to `["1"]`.
///   - clock: the fake's time. Defaults to the system clock.
///   - tokenLifetime: how long issued tokens live. Defaults to 1 hour.
///   - body: the test.
/// - Returns: what `body` returns.
/// - Throws: what `body` throws, or when the fake cannot start.
public func withFakeGitHubAPI<Result: Sendable>(
    appID: String = "12345",
    keyPair: FakeGitHubAPI.AppKeyPair = .shared,
    installations: Set<String> = ["1"],
    clock: any WallClock = SystemClock(),
    tokenLifetime: Duration = .seconds(3600),
    _ body: (FakeGitHubAPI) async throws -> Result
) async throws -> Result {
    let api = try await FakeGitHubAPI.start(
        appID: appID, keyPair: keyPair, installations: installations, clock: clock, tokenLifetime: tokenLifetime
    )
    do {
        let result = try await body(api)
        try await api.shutdown()
        return result
    } catch {
        try? await api.shutdown()
        throw error
    }
}
