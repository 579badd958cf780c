public import Foundation

/// An access token with the time it stops being valid.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible {
    /// The token itself.
    public var secret: Secret
    /// When the token expires, or `nil` when it does not expire (a personal access token).
    public var expiresAt: Date?

    /// Creates a token.
    /// - Parameters:
    ///   - secret: the token.
    ///   - expiresAt: when it expires; `nil` when it does not.
    public init(secret: Secret, expiresAt: Date? = nil) {
        self.secret = secret
        self.expiresAt = expiresAt
    }

    /// Whether the token is still valid at `date`, and will be for at least `margin` more.
    /// - Parameters:
    ///   - date: the time to check at.
    ///   - margin: how long it must stay valid after `date`. Defaults to zero.
    public func isValid(at date: Date, for margin: Duration = .zero) -> Bool {
        guard let expiresAt else { return true }
        return date.adding(margin) < expiresAt
    }

    /// The redacted token and its expiry; never the token itself.
    public var description: String {
        if let expiresAt {
            return "AccessToken(\(secret), expires \(expiresAt.formatted(.iso8601)))"
        }
        return "AccessToken(\(secret))"
    }
}

/// Hands out access tokens for a tenant, such as a GitHub App installation.
public protocol TokenProvider: Sendable {
    /// Returns a token valid for `tenant`.
    /// - Parameter tenant: who the token acts for (an installation id); `nil` for the provider's
    ///   only tenant.
    /// - Throws: when no token can be had; the error never contains secret material.
    func token(for tenant: String?) async throws -> AccessToken

    /// Tells the provider that the remote refused `token`, so it is not handed out again.
    func invalidate(_ token: AccessToken, for tenant: String?) async
}

extension TokenProvider {
    public func invalidate(_ token: AccessToken, for tenant: String?) async {}
}
