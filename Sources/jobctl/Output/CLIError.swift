import ArgumentParser
import JobCore

/// A user-facing failure: one line on stderr and the documented exit code.
struct CLIError: Error, CustomStringConvertible {
    /// The exit code.
    let code: JobExitCode
    /// The line printed after `jobctl: `.
    let message: String

    init(_ code: JobExitCode, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { message }

    /// Any error as a user-facing failure, with its exit code from ``JobExitCode``'s table.
    /// `credential` names the credential in use, for authentication failures.
    static func from(_ error: any Error, credential: String? = nil) -> CLIError {
        if let error = error as? CLIError { return error }
        let code = JobExitCode(error)
        var message = switch error {
        case let error as JobStoreError: Self.message(for: error)
        case let error as GitError: error.message
        case let error as TokenError: error.message
        case let error as CommandJobError: error.message
        case let error as ProcessSupervisorError: error.message
        case let error as DurationParser.Error: error.message
        case let error as Worker.ConfigurationError: error.message
        case let error as JobFailure: error.message
        case is CancellationError: "cancelled"
        default: "\(error)"
        }
        if code == .authenticationRefused, let credential { message += " (credential: \(credential))" }
        return CLIError(code, message)
    }

    /// The store's message, with the job it concerns.
    private static func message(for error: JobStoreError) -> String {
        guard let id = error.jobID else { return error.message }
        if error.code == .notFound { return error.message.hasPrefix("dependency") ? "no such job: \(id) (\(error.message))" : "no such job: \(id)" }
        return "job \(id)" + (error.state.map { " (\($0))" } ?? "") + ": " + error.message
    }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning any error into one line on stderr and the contract's exit code.
    func reportingErrors(credential: String? = nil, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            let failure = CLIError.from(error, credential: credential)
            Terminal.standardError.write("jobctl: \(failure.message)\n")
            throw ExitCode(failure.code.rawValue)
        }
    }
}
