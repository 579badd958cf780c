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
