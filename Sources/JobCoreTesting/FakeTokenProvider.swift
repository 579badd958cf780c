public import Foundation
public import JobCore
import Synchronization

/// A `TokenProvider` for tests: hands out a sequence of tokens, moving to the next one
/// each time the current one is invalidated, records every call, and can be told to fail.
///
/// ```swift
/// // The first token is refused by the (fake) remote, the second one works:
/// let tokens = FakeTokenProvider(tokens: ["stale-token", "good-token"])
/// ```
public final class FakeTokenProvider: TokenProvider {
    /// A call the provider received.
    public enum Call: Sendable, Equatable {
        /// `token(for:)` for this tenant.
        case token(tenant: String?)
        /// `invalidate(_:for:)` of this token text for this tenant.
        case invalidate(token: String, tenant: String?)
    }

    private struct State {
        var tokens: [String]
        var position: [String: Int] = [:]
        var expiresAt: Date?
        var failure: (any Error)?
        var calls: [Call] = []
    }

    private let state: Mutex<State>

    /// Creates a provider.
    /// - Parameters:
    ///   - tokens: the tokens to hand out, in order; each tenant starts at the first and moves to
    ///     the next when its current token is invalidated (and stays on the last). Defaults to one token.
    ///   - expiresAt: the expiry given with every token. Defaults to `nil` (no expiry).
    public init(tokens: [String] = ["fake-token"], expiresAt: Date? = nil) {
        precondition(!tokens.isEmpty, "FakeTokenProvider needs at least one token")
        state = Mutex(State(tokens: tokens, expiresAt: expiresAt))
    }

    /// Returns the tenant's current token, or throws the error set with ``fail(with:)``.
    public func token(for tenant: String?) async throws -> AccessToken {
        let result = state.withLock { state -> Result<AccessToken, any Error> in
            state.calls.append(.token(tenant: tenant))
            if let failure = state.failure { return .failure(failure) }
            let index = state.position[tenant ?? "", default: 0]
            return .success(AccessToken(secret: Secret(state.tokens[index]), expiresAt: state.expiresAt))
        }
        return try result.get()
    }

    /// Records the call and, when `token` is the tenant's current token, moves the tenant on to
    /// the next token.
    public func invalidate(_ token: AccessToken, for tenant: String?) async {
        state.withLock { state in
            let text = token.secret.revealed()
            state.calls.append(.invalidate(token: text, tenant: tenant))
            let key = tenant ?? ""
            let index = state.position[key, default: 0]
            if state.tokens[index] == text, index + 1 < state.tokens.count {
                state.position[key] = index + 1
            }
        }
    }

    /// Makes every later `token(for:)` throw `error`; `nil` makes it succeed again.
    public func fail(with error: (any Error)?) {
        state.withLock { $0.failure = error }
    }

    /// Every call received, in order.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// The number of `token(for:)` calls.
    public var tokenRequestCount: Int {
        calls.filter { if case .token = $0 { true } else { false } }.count
    }

    /// The number of `invalidate(_:for:)` calls.
    public var invalidationCount: Int {
        calls.filter { if case .invalidate = $0 { true } else { false } }.count
    }
}
