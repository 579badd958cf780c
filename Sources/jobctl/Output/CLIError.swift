import ArgumentParser
import JobCore

/// A user-facing failure: one line on stderr and the documented exit status.
struct CLIError: Error, CustomStringConvertible {
    /// The contract's exit statuses.
    enum Status: Int32 {
        case invalidInput = 2
        case noSuchJob = 3
        case notAllowed = 4
        case unreachable = 69
        case authentication = 77
        case timedOut = 124
        case cancelled = 130
        case failure = 1
    }

    let status: Status
    let message: String

    init(_ status: Status, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { message }

    /// Maps a library error to its exit status. `credential` names the credential in use, for
    /// authentication failures.
    static func from(_ error: any Error, credential: String? = nil) -> CLIError {
        switch error {
        case let error as CLIError:
            return error
        case let error as GitError:
            let status: Status = switch error.code {
            case .authentication: .authentication
            case .invalidInput: .invalidInput
            case .timeout: .timedOut
            case .cancelled: .cancelled
            case .notFound, .network: .unreachable
            default: .unreachable
            }
            if error.code == .authentication, let credential {
                return CLIError(status, "\(error.message) (credential: \(credential))")
            }
            return CLIError(status, error.message)
        case let error as TokenError:
            let status: Status = error.code == .variableNotSet || error.code == .keyUnreadable || error.code == .invalidKey
                ? .invalidInput
                : error.isCredentialFailure ? .authentication : .unreachable
            return CLIError(status, error.message)
        case let error as JobStoreError:
            let status: Status = switch error.code {
            case .notFound: .noSuchJob
            case .invalidState: .notAllowed
            case .invalidArgument: .invalidInput
            case .unavailable: .unreachable
            default: .failure
            }
            return CLIError(status, error.message)
        case is CancellationError:
            return CLIError(.cancelled, "cancelled")
        case let error as DurationParser.Error:
            return CLIError(.invalidInput, error.message)
        default:
            return CLIError(.failure, "\(error)")
        }
    }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning any error into one line on stderr and the contract's exit status.
    func reportingErrors(credential: String? = nil, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            let failure = CLIError.from(error, credential: credential)
            Terminal.standardError.write("jobctl: \(failure.message)\n")
            throw ExitCode(failure.status.rawValue)
        }
    }
}
