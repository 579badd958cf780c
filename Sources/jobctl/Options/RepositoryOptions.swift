import ArgumentParser
import Foundation
import JobCore
import JobCoreGitHub
import Logging

/// How repository sources are resolved.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .customLong("git-base-url"), help: ArgumentHelp("Base URL for owner/repo sources (env JOBCTL_GIT_BASE_URL; default https://github.com).", valueName: "url"))
    var gitBaseURL: String?

    var resolution: RepositorySource.Resolution {
        RepositorySource.Resolution(baseURL: gitBaseURL ?? ProcessInfo.processInfo.environment["JOBCTL_GIT_BASE_URL"] ?? "https://github.com")
    }

    /// - Throws: ``GitError`` (invalid input) for an unusable source, or a base URL that is not
    ///   http(s) or has credentials in it (even when `text` does not use it).
    func source(_ text: String) throws -> RepositorySource {
        let resolution = resolution
        try RepositorySource.validateBaseURL(resolution.baseURL)
        return try RepositorySource.parse(text, resolution: resolution)
    }
}
