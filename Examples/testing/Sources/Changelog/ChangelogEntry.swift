public import JobCore

/// A job: add a line to a repository's `CHANGELOG.md` on a feature branch and push it.
public struct ChangelogEntry: Codable, Sendable, Hashable {
    /// `owner/repo`, resolved against the handler's Git base URL.
    public var repository: String
    /// The feature branch to create and push, e.g. `changelog/v1.2`.
    public var branch: String
    /// The text of the entry.
    public var text: String
    /// The GitHub App installation whose token is used; the job's concurrency key too.
    public var installationID: String

    public init(repository: String, branch: String, text: String, installationID: String) {
        self.repository = repository
        self.branch = branch
        self.text = text
        self.installationID = installationID
    }

    /// The job kind, used to enqueue and to register the handler.
    public static let kind = JobKind<ChangelogEntry>("changelog-entry")

    /// Options for enqueueing: one job at a time per installation.
    public var options: JobOptions {
        JobOptions(key: "installation-\(installationID)", maxAttempts: 3, timeout: .seconds(600))
    }
}

/// What the job produced.
public struct ChangelogResult: Codable, Sendable, Hashable {
    /// The commit pushed on the branch.
    public var commit: String
    /// The branch.
    public var branch: String
}
