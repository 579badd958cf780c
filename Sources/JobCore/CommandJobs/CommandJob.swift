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

    /// The kind's name in the store.
    public static let kind = JobKind<CommandJob>("command")

    public init(
        command: [String], repository: RepositorySource? = nil, ref: String? = nil, depth: Int = 1, branch: String? = nil,
        environment: [String: String] = [:], push: Bool = false, commitMessage: String? = nil,
        installationID: String? = nil, tokenEnvironmentVariable: String? = nil, correlationID: String? = nil
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
    public static let reservedVariables: Set<String> = ["JOB_ID", "JOB_KEY", "JOB_ATTEMPT", "JOB_WORKSPACE", "JOB_BRANCH", "JOB_REPO"]

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
