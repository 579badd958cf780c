/// Hands out one fixed token for every tenant, such as a personal access token.
public struct StaticTokenProvider: TokenProvider {
    /// The token handed out.
    public let token: AccessToken

    /// Creates a provider for a fixed token.
    /// - Parameter token: the token, with its expiry when it has one.
    public init(_ token: AccessToken) {
        self.token = token
    }

    /// Creates a provider for a fixed token that does not expire.
    /// - Parameter secret: the token; surrounding whitespace and newlines are dropped.
    public init(_ secret: Secret) {
        self.init(AccessToken(secret: secret.trimmingWhitespace()))
    }

    /// Returns the fixed token, whatever the tenant.
    public func token(for tenant: String?) async throws -> AccessToken {
        token
    }
}
