public import Foundation

/// An access token with the time it stops being valid.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible {
    /// The token itself.
    public var secret: Secret
    /// When the token expires, or `nil` when it does not expire (a personal access token).
    public var expiresAt: Date?

    public init(secret: Secret, expiresAt: Date? = nil) {
        self.secret = secret
        self.expiresAt = expiresAt
    }

    public var description: String { "AccessToken(\(secret))" }
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
