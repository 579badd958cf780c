import ArgumentParser
import Foundation
import JobCore

/// Where the process that runs Git operations gets its token.
struct CredentialOptions: ParsableArguments {
    @Option(name: .customLong("token-env"), help: ArgumentHelp("Environment variable holding the access token (default GITHUB_TOKEN).", valueName: "name"))
    var tokenEnv: String?

    /// The credentials: the token in `--token-env` (which must then be set), else `GITHUB_TOKEN`
    /// when it is set, else none.
    func credentials() throws -> GitCredentials {
        let environment = ProcessInfo.processInfo.environment
        if let tokenEnv {
            guard let value = environment[tokenEnv], !value.isEmpty else {
                throw CLIError(.invalidInput, "the environment variable \(tokenEnv) named by --token-env is not set")
            }
            return .token(Secret(value))
        }
        if let value = environment["GITHUB_TOKEN"], !value.isEmpty { return .token(Secret(value)) }
        return .none
    }
}

/// How repository sources are resolved.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .customLong("git-base-url"), help: ArgumentHelp("Base URL for owner/repo sources (env JOBCTL_GIT_BASE_URL; default https://github.com).", valueName: "url"))
    var gitBaseURL: String?

    var resolution: RepositorySource.Resolution {
        RepositorySource.Resolution(baseURL: gitBaseURL ?? ProcessInfo.processInfo.environment["JOBCTL_GIT_BASE_URL"] ?? "https://github.com")
    }

    func source(_ text: String) throws -> RepositorySource {
        try RepositorySource.parse(text, resolution: resolution)
    }
}

/// libgit2's process-wide connect and I/O timeouts.
struct GitTimeoutOptions: ParsableArguments {
    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp("How long to wait for a connection to the Git server (default 10s).", valueName: "duration"))
    var connectTimeout: String?

    @Option(name: .customLong("io-timeout"), help: ArgumentHelp("How long to wait for the Git server to answer (default 60s).", valueName: "duration"))
    var ioTimeout: String?

    func apply() throws {
        var timeouts = LibGit2.Timeouts()
        if let connectTimeout { timeouts.connect = try DurationParser.parse(connectTimeout) }
        if let ioTimeout { timeouts.io = try DurationParser.parse(ioTimeout) }
        LibGit2.configure(timeouts: timeouts)
    }
}
