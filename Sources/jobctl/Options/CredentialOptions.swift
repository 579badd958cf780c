import ArgumentParser
import Foundation
import JobCore
import JobCoreGitHub
import Logging

/// Where the process that runs Git operations gets its credentials: a token from an environment
/// variable, or a GitHub App (installation tokens). Credentials are configuration of the process;
/// a job record stores at most the installation id, never a secret.
struct CredentialOptions: ParsableArguments {
    @Option(name: .customLong("token-env"), help: ArgumentHelp("Environment variable holding the access token (default GITHUB_TOKEN).", valueName: "name"))
    var tokenEnv: String?

    @Option(name: .customLong("github-app-id"), help: ArgumentHelp("GitHub App id (or client id): use installation tokens.", valueName: "id"))
    var githubAppID: String?

    @Option(name: .customLong("github-app-key"), help: ArgumentHelp("The GitHub App's private key (PEM, PKCS#1 or PKCS#8).", valueName: "path"))
    var githubAppKey: String?

    @Option(name: .customLong("github-api-url"), help: ArgumentHelp("GitHub API base URL (default https://api.github.com).", valueName: "url"))
    var githubAPIURL: String?

    func validate() throws {
        if (githubAppID == nil) != (githubAppKey == nil) {
            throw ValidationError("--github-app-id and --github-app-key go together")
        }
        if githubAppID != nil, tokenEnv != nil {
            throw ValidationError("use either --token-env or --github-app-id/--github-app-key, not both")
        }
        if let githubAPIURL, URL(string: githubAPIURL)?.scheme == nil {
            throw ValidationError("invalid --github-api-url '\(githubAPIURL)'")
        }
    }

    /// Whether a GitHub App is configured (jobs then need an installation id).
    var usesGitHubApp: Bool { githubAppID != nil }

    /// The token provider these options describe, or `nil` for anonymous access.
    /// - Throws: `CLIError` naming an unset variable or an unreadable key.
    func provider(logger: Logger) throws -> (any TokenProvider)? {
        if let githubAppID, let githubAppKey {
            var configuration = try GitHubAppTokenProvider.Configuration(appID: githubAppID, privateKeyFile: githubAppKey)
            if let githubAPIURL, let url = URL(string: githubAPIURL) { configuration.apiBaseURL = url }
            return GitHubAppTokenProvider(configuration: configuration, logger: logger)
        }
        if let tokenEnv {
            guard let value = ProcessInfo.processInfo.environment[tokenEnv], !value.isEmpty else {
                throw CLIError(.invalidInput, "the environment variable \(tokenEnv) named by --token-env is not set")
            }
            return StaticTokenProvider(Secret(value))
        }
        if let value = ProcessInfo.processInfo.environment["GITHUB_TOKEN"], !value.isEmpty {
            return StaticTokenProvider(Secret(value))
        }
        return nil
    }

    /// Git credentials for one installation (GitHub App) or the token.
    func credentials(installationID: String?, logger: Logger) throws -> GitCredentials {
        guard let provider = try provider(logger: logger) else { return .none }
        if usesGitHubApp, installationID == nil {
            throw CLIError(.invalidInput, "--installation-id is required with --github-app-id")
        }
        return .provider(provider, tenant: installationID)
    }

    /// Which credential was in use, for messages (never its value).
    func describe(installationID: String?) -> String {
        if let githubAppID { return "the installation token of GitHub App \(githubAppID) for installation \(installationID ?? "?")" }
        if let tokenEnv { return "the token in $\(tokenEnv)" }
        if ProcessInfo.processInfo.environment["GITHUB_TOKEN"].map({ !$0.isEmpty }) == true { return "the token in $GITHUB_TOKEN" }
        return "no credentials"
    }
}
