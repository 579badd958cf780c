public import Logging

/// What a workspace holds: which repository, which ref, how deep, on which feature branch.
public struct WorkspaceOptions: Sendable {
    /// The repository to clone; `nil` makes an empty workspace (a private directory, no Git).
    public var source: RepositorySource?
    /// The ref to start from. Defaults to `nil`: the remote's default branch.
    public var ref: String?
    /// Commits of history. Defaults to 1; 0 = full history.
    public var depth: Int
    /// A feature branch to create from the ref and check out (e.g. `agent/issue-42`).
    /// Validated as Git validates branch names. Defaults to `nil`: stay on the ref.
    public var branch: String?
    /// How to authenticate for the clone and for pushes. Defaults to none.
    public var credentials: GitCredentials
    /// Author and committer of this workspace's commits. Defaults to `nil`: the manager's
    /// ``LocalWorkspaceManager/Configuration/identity``.
    public var identity: GitIdentity?
    /// The job the workspace belongs to, recorded in its owner marker and logs.
    public var jobID: String?
    /// Extra metadata for the workspace's log lines (a job's key or correlation id).
    public var logMetadata: Logger.Metadata
    /// Called as the clone receives objects and bytes.
    public var progress: (@Sendable (GitProgress) -> Void)?

    public init(
        source: RepositorySource?,
        ref: String? = nil,
        depth: Int = 1,
        branch: String? = nil,
        credentials: GitCredentials = .none,
        identity: GitIdentity? = nil,
        jobID: String? = nil,
        logMetadata: Logger.Metadata = [:],
        progress: (@Sendable (GitProgress) -> Void)? = nil
    ) {
        self.source = source
        self.ref = ref
        self.depth = depth
        self.branch = branch
        self.credentials = credentials
        self.identity = identity
        self.jobID = jobID
        self.logMetadata = logMetadata
        self.progress = progress
    }
}
