import Foundation

/// Hands out the token held in an environment variable, such as `GITHUB_TOKEN`.
///
/// The variable is read on every request, so the provider sees the environment it was given at
/// the time of the request. Surrounding whitespace (a trailing newline from `$(cat file)`) is
/// dropped. The token is the same for every tenant and has no known expiry.
public struct EnvironmentTokenProvider: TokenProvider {
    /// The variable that holds the token.
    public let variable: String
    private let lookup: @Sendable (String) -> String?

    /// Creates a provider that reads the process environment.
    /// - Parameter variable: the variable that holds the token. Defaults to `GITHUB_TOKEN`.
    public init(variable: String = "GITHUB_TOKEN") {
        self.init(variable: variable, environment: { ProcessInfo.processInfo.environment[$0] })
    }

    /// Creates a provider that reads a given environment.
    /// - Parameters:
    ///   - variable: the variable that holds the token.
    ///   - environment: the environment, as a dictionary.
    public init(variable: String, environment: [String: String]) {
        self.init(variable: variable, environment: { environment[$0] })
    }

    /// Creates a provider that reads variables through a function.
    /// - Parameters:
    ///   - variable: the variable that holds the token.
    ///   - environment: returns a variable's value, or `nil` when it is unset.
    public init(variable: String, environment: @escaping @Sendable (String) -> String?) {
        self.variable = variable
        self.lookup = environment
    }

    /// Returns the variable's value.
    /// - Throws: ``TokenError`` `.variableNotSet`, naming the variable, when it is unset or empty.
    public func token(for tenant: String?) async throws -> AccessToken {
        guard let raw = lookup(variable) else {
            throw TokenError(.variableNotSet, "the environment variable \(variable) that should hold the access token is not set")
        }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            throw TokenError(.variableNotSet, "the environment variable \(variable) that should hold the access token is empty")
        }
        return AccessToken(secret: Secret(value))
    }
}
