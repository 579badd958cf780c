/// How a Git operation authenticates to the remote.
///
/// The token is handed to libgit2 only through its credential callback (user `x-access-token`,
/// password = token): never in a URL, `.git/config`, a log line, an error or a process argument.
///
/// Surrounding whitespace (a trailing newline from `$(cat token-file)` or an editor) is dropped
/// from every token before use, whichever source it came from: a token never contains
/// whitespace, and a password ending in a newline would be refused by the server.
public struct GitCredentials: Sendable {
    enum Source: Sendable {
        case none
        case token(Secret)
        case provider(any TokenProvider, tenant: String?)
    }

    let source: Source

    /// No credentials: public repositories and local paths.
    public static let none = GitCredentials(source: .none)

    /// A fixed token, such as a personal access token.
    public static func token(_ token: Secret) -> GitCredentials {
        GitCredentials(source: .token(token))
    }

    /// A token from a provider for `tenant`. When the remote refuses it, the token is
    /// invalidated and the operation retried once with a fresh one.
    public static func provider(_ provider: any TokenProvider, tenant: String? = nil) -> GitCredentials {
        GitCredentials(source: .provider(provider, tenant: tenant))
    }

    /// Runs `operation` with the token these credentials resolve to, retrying once with a fresh
    /// token from the provider when the remote refused a cached one.
    func withToken<T: Sendable>(_ operation: (Secret?) async throws -> T) async throws -> T {
        switch source {
        case .none:
            return try await operation(nil)
        case .token(let secret):
            return try await operation(secret.trimmingWhitespace())
        case .provider(let provider, let tenant):
            let first = try await provider.token(for: tenant)
            do {
                return try await operation(first.secret.trimmingWhitespace())
            } catch let error as GitError where error.code == .authentication {
                await provider.invalidate(first, for: tenant)
                let second = try await provider.token(for: tenant)
                guard second.secret != first.secret else { throw error }
                return try await operation(second.secret.trimmingWhitespace())
            }
        }
    }
}
