public import Foundation

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
