public import Foundation
public import Logging

/// The built-in job kind that `jobctl run` and `jobctl enqueue` create: a workspace from the
/// repository options, a command run in it, an optional push, and the exit code, log and outcome
/// recorded.
///
/// The payload holds no secret: credentials are configuration of the process that runs the job
/// (a token, or a GitHub App whose installation is named by ``installationID``).
public struct CommandJob: Codable, Sendable, Hashable {
    /// The command and its arguments (`argv`); the first element is an executable path or a
    /// name looked up in `PATH`.
    public var command: [String]
    /// The repository to clone into the workspace; `nil` runs the command in an empty workspace.
    public var repository: RepositorySource?
    /// The ref to clone. Defaults to `nil`: the remote's default branch.
    public var ref: String?
    /// Commits of history. Defaults to 1; 0 = full history.
    public var depth: Int
    /// A feature branch to create and check out. Defaults to `nil`.
    public var branch: String?
    /// Extra environment variables for the command.
    public var environment: [String: String]
    /// Whether to commit every change and push the branch when the command succeeds.
    public var push: Bool
    /// The commit message used with ``push``. Defaults to `"Changes by job <id>"`.
    public var commitMessage: String?
    /// The GitHub App installation whose token the job uses, when the process runs with a GitHub App.
    public var installationID: String?
    /// When set, the access token is given to the command in this environment variable. Off by
    /// default: the token is not in a job's environment unless asked for.
    public var tokenEnvironmentVariable: String?
    /// An id that ties the job's log lines to the request that enqueued it; the worker adds it
    /// to every log line of the job as `correlation.id`.
    public var correlationID: String?
    /// Whether and how the work in progress is saved while the command runs, so that a later
    /// attempt resumes from it. Defaults to `nil`: every attempt starts from ``ref``.
    public var checkpoints: Checkpoints?

    /// Saving a command job's work in progress (`jobctl --checkpoint-every`).
    ///
    /// Every ``interval`` while the command runs, and once more when the worker releases the job
    /// at shutdown, the work tree's state (every file, committed or not, as `git add -A` stages
    /// it) is committed on top of HEAD — without touching the command's index or branches — and
    /// force-pushed to ``branch`` with the job's credentials, then saved as the job's
    /// ``JobCheckpoint``. A later attempt clones that commit instead of the job's ref, checks out
    /// the job's feature branch at it, and finds its id in `JOB_CHECKPOINT_COMMIT`. When the job
    /// succeeds the branch is deleted from the remote, unless ``keep``. A checkpoint that cannot
    /// be pushed is an event (`checkpointFailed`), never a failure of the attempt.
    public struct Checkpoints: Codable, Sendable, Hashable {
        /// Seconds between two checkpoints; at least 1.
        public var intervalSeconds: Double
        /// The branch that holds the work in progress; `nil` for `jobcore/wip/JOB_ID`.
        public var branch: String?
        /// Whether to keep the branch when the job succeeds.
        public var keep: Bool

        /// Describes checkpoints every `interval`.
        public init(interval: Duration, branch: String? = nil, keep: Bool = false) {
            self.intervalSeconds = interval.timeInterval
            self.branch = branch
            self.keep = keep
        }

        /// The time between two checkpoints.
        public var interval: Duration { .milliseconds(Int64((intervalSeconds * 1000).rounded())) }

        /// The branch for job `id`.
        public func branch(for id: JobID) -> String { branch ?? "jobcore/wip/\(id)" }
    }

    /// The kind's name in the store.
    public static let kind = JobKind<CommandJob>("command")

    public init(
        command: [String], repository: RepositorySource? = nil, ref: String? = nil, depth: Int = 1, branch: String? = nil,
        environment: [String: String] = [:], push: Bool = false, commitMessage: String? = nil,
        installationID: String? = nil, tokenEnvironmentVariable: String? = nil, correlationID: String? = nil,
        checkpoints: Checkpoints? = nil
    ) {
        self.command = command
        self.repository = repository
        self.ref = ref
        self.depth = depth
        self.branch = branch
        self.environment = environment
        self.push = push
        self.commitMessage = commitMessage
        self.installationID = installationID
        self.tokenEnvironmentVariable = tokenEnvironmentVariable
        self.correlationID = correlationID
        self.checkpoints = checkpoints
    }

    /// Log metadata of a stored command job: its correlation id (for
    /// ``Worker/Configuration/jobLogMetadata``).
    public static func logMetadata(for job: JobRecord) -> Logger.Metadata {
        guard job.kind == kind.name,
              let id = (try? JSONDecoder().decode(CommandJob.self, from: job.payload))?.correlationID else { return [:] }
        return ["correlation.id": "\(id)"]
    }

    /// Checks everything that can be checked before the job is stored.
    /// - Throws: ``CommandJobError`` for the job's own fields; ``GitError`` with code
    ///   `.invalidInput` for an invalid branch name or ref.
    public func validate() throws {
        guard let executable = command.first, !executable.isEmpty else {
            throw CommandJobError(.emptyCommand, "no command given")
        }
        guard depth >= 0, depth <= Int(Int32.max) else {
            throw CommandJobError(.invalidDepth, "invalid depth \(depth): use 0 (full history) up to \(Int32.max)")
        }
        if let branch { try BranchName.validateFeatureBranch(branch) }
        if let ref { try GitClient.validateRef(ref) }
        if push, repository == nil { throw CommandJobError(.pushWithoutRepository, "a job that pushes needs a repository") }
        if let checkpoints {
            guard repository != nil, let branch else {
                throw CommandJobError(.invalidCheckpoints, "checkpoints need a repository and a feature branch (--branch) to resume on")
            }
            guard checkpoints.intervalSeconds >= 1, checkpoints.intervalSeconds <= JobOptions.maximumTimeout.timeInterval else {
                throw CommandJobError(.invalidCheckpoints, "the checkpoint interval must be between 1 second and \(DurationParser.format(JobOptions.maximumTimeout))")
            }
            if let wip = checkpoints.branch {
                try BranchName.validateFeatureBranch(wip)
                guard wip != branch else {
                    throw CommandJobError(.invalidCheckpoints, "the checkpoint branch must differ from the feature branch")
                }
            }
        }
        for name in environment.keys + [tokenEnvironmentVariable].compactMap({ $0 }) {
            guard Self.isValidVariableName(name) else {
                throw CommandJobError(.invalidVariable, "invalid environment variable name '\(name)'")
            }
            guard !Self.reservedVariables.contains(name) else {
                throw CommandJobError(.reservedVariable, "the environment variable \(name) is set by JobCore and cannot be overridden")
            }
        }
    }

    /// Variables JobCore sets for every command.
    public static let reservedVariables: Set<String> = [
        "JOB_ID", "JOB_KEY", "JOB_ATTEMPT", "JOB_WORKSPACE", "JOB_BRANCH", "JOB_REPO", "JOB_CHECKPOINT_COMMIT",
    ]

    static func isValidVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

/// What a command job produced, stored as the job's result.
public struct CommandJobResult: Codable, Sendable, Hashable {
    /// The command's exit code (128 + signal when a signal ended it).
    public var exitCode: Int32
    /// The commit the workspace started from.
    public var baseCommit: String?
    /// The branch the workspace was on.
    public var branch: String?
    /// The commit that was pushed, when the job pushed.
    public var pushedCommit: String?
}
