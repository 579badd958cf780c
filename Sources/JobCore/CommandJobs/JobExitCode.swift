/// The exit codes of `jobctl` — the status a command-line run of a job, or an operation on one,
/// ends with — and the one table that maps every JobCore error to its code.
///
/// ``CommandJobRunner`` records the code of a failure that happened around the command (a
/// refused credential, an unreachable repository, a command that cannot be started) on the run,
/// so that the process that reports the job exits with it.
///
/// | code | meaning |
/// |---|---|
/// | 0 | success |
/// | *n* | the command's own status, when it ran and failed |
/// | 1 | any other failure |
/// | 2 | invalid input: nothing was created |
/// | 3 | no such job |
/// | 4 | not allowed in the job's current state |
/// | 69 | repository unreachable, or clone failed |
/// | 76 | the remote rejected the push (a hook, a protected branch, a ruleset) |
/// | 77 | authentication refused |
/// | 124 | timed out |
/// | 127 | the command could not be started (not found, not executable) |
/// | 130 | cancelled |
public struct JobExitCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The process exit status.
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Success.
    public static let success = JobExitCode(rawValue: 0)
    /// Any failure without a code of its own.
    public static let failure = JobExitCode(rawValue: 1)
    /// Invalid input: nothing was created.
    public static let invalidInput = JobExitCode(rawValue: 2)
    /// No job has the id.
    public static let noSuchJob = JobExitCode(rawValue: 3)
    /// Not allowed in the job's current state.
    public static let notAllowed = JobExitCode(rawValue: 4)
    /// The repository (or the store, or the token service) cannot be reached, or the clone failed.
    public static let unreachable = JobExitCode(rawValue: 69)
    /// The remote rejected the push: a pre-receive hook, a protected branch, a ruleset, not a
    /// fast-forward. The remote's explanation is in the error and the job's record.
    public static let pushRejected = JobExitCode(rawValue: 76)
    /// A credential was refused or cannot be used.
    public static let authenticationRefused = JobExitCode(rawValue: 77)
    /// The job, or a Git operation, timed out.
    public static let timedOut = JobExitCode(rawValue: 124)
    /// The command could not be started: not found, or not executable.
    public static let commandNotFound = JobExitCode(rawValue: 127)
    /// Cancelled (Ctrl-C, `jobctl cancel`, `jobctl kill`).
    public static let cancelled = JobExitCode(rawValue: 130)

    public var description: String { "\(rawValue)" }

    /// The code for an error: the one table.
    public init(_ error: any Error) {
        self = switch error {
        case let error as GitError: Self.code(for: error)
        case let error as TokenError: Self.code(for: error)
        case let error as JobStoreError: Self.code(for: error)
        case let error as ProcessSupervisorError: Self.code(for: error)
        case let error as JobQueueError: error.code == .timedOut ? .timedOut : .failure
        case is CommandJobError, is DurationParser.Error, is Worker.ConfigurationError: .invalidInput
        case let error as JobFailure: error.exitCode.map(JobExitCode.init(rawValue:)) ?? .failure
        case is CancellationError: .cancelled
        default: .failure
        }
    }

    /// The code a finished job ends with: 0, the command's own status, 124 when it timed out,
    /// 130 when cancelled; the code recorded on its last run for a failure around the command.
    public init(job: JobRecord, runs: [JobRun]) {
        self = switch job.state {
        case .succeeded: .success
        case .cancelled: .cancelled
        case .failed:
            if let last = runs.last, last.outcome == .timedOut {
                .timedOut
            } else if let code = runs.last?.exitCode, code != 0 {
                JobExitCode(rawValue: code)
            } else {
                .failure
            }
        case .waiting, .queued, .running: .failure
        }
    }

    private static func code(for error: GitError) -> JobExitCode {
        switch error.code {
        case .authentication: .authenticationRefused
        case .invalidInput: .invalidInput
        case .timeout: .timedOut
        case .cancelled: .cancelled
        case .rejected: .pushRejected
        default: .unreachable
        }
    }

    private static func code(for error: TokenError) -> JobExitCode {
        switch error.code {
        // The process's own configuration: nothing was asked of anyone.
        case .variableNotSet, .keyUnreadable, .invalidKey, .invalidTenant: .invalidInput
        case _ where error.isCredentialFailure: .authenticationRefused
        default: .unreachable
        }
    }

    private static func code(for error: JobStoreError) -> JobExitCode {
        switch error.code {
        case .notFound: .noSuchJob
        case .invalidState: .notAllowed
        case .invalidArgument: .invalidInput
        case .unavailable: .unreachable
        default: .failure
        }
    }

    private static func code(for error: ProcessSupervisorError) -> JobExitCode {
        switch error.code {
        case .invalidCommand: .invalidInput
        case .executableNotFound, .executionFailed: .commandNotFound
        default: .failure
        }
    }
}
