import CLibGit2
import Foundation

/// A failed libgit2 call as libgit2 reports it — its return code, the error class and message
/// of `git_error_last()` — and what it means for a ``GitError``.
///
/// The classification uses libgit2's return codes (`GIT_EAUTH`, `GIT_ENOTFOUND`, `GIT_TIMEOUT`,
/// `GIT_ECERTIFICATE`, …) first, then the error class (`GIT_ERROR_HTTP`, `GIT_ERROR_NET`,
/// `GIT_ERROR_SSL`, …). For `GIT_ERROR_HTTP` libgit2 gives the server's status only inside its
/// message (`unexpected http status code: 404`, the one form it uses); that number is read from
/// the message and decides the code.
package struct LibGit2Failure: Sendable, Hashable {
    /// The call's return code (`git_error_code`, negative).
    package var status: Int32
    /// The error class of `git_error_last()` (`git_error_t`).
    package var errorClass: Int32
    /// The message of `git_error_last()`, trimmed; may contain what a server said.
    package var message: String

    package init(status: Int32, errorClass: Int32, message: String) {
        self.status = status
        self.errorClass = errorClass
        self.message = message
    }

    /// The failure of the call that just returned `status` on this thread (libgit2 keeps the
    /// last error per thread, so this must run on the thread that made the call).
    static func last(status: Int32) -> LibGit2Failure {
        guard let error = git_error_last() else {
            return LibGit2Failure(status: status, errorClass: Int32(GIT_ERROR_NONE.rawValue), message: "unknown libgit2 error")
        }
        let message = error.pointee.message.map { String(cString: $0) } ?? ""
        return LibGit2Failure(
            status: status, errorClass: error.pointee.klass,
            message: message.isEmpty ? "unknown libgit2 error" : message.trimmingCharacters(in: .whitespacesAndNewlines)
        )
    }

    /// The HTTP status the server answered, when libgit2 reported one (`GIT_ERROR_HTTP` with
    /// `unexpected http status code: N`).
    package var httpStatus: Int? {
        guard errorClass == Int32(GIT_ERROR_HTTP.rawValue) else { return nil }
        let prefix = "unexpected http status code: "
        guard let range = message.range(of: prefix, options: [.anchored, .caseInsensitive]) else { return nil }
        return Int(message[range.upperBound...].prefix { $0.isASCII && $0.isNumber })
    }

    /// What kind of ``GitError`` this is.
    package var code: GitError.Code {
        switch status {
        case GIT_EAUTH.rawValue: return .authentication
        case GIT_TIMEOUT.rawValue: return .timeout
        case GIT_ENOTFOUND.rawValue: return .notFound
        case GIT_ECERTIFICATE.rawValue, GIT_EEOF.rawValue: return .network
        case GIT_EINVALIDSPEC.rawValue, GIT_EINVALID.rawValue, GIT_EAMBIGUOUS.rawValue: return .invalidInput
        case GIT_ENONFASTFORWARD.rawValue: return .rejected
        default: break
        }
        if let httpStatus { return Self.code(forHTTPStatus: httpStatus) }
        switch UInt32(bitPattern: errorClass) {
        case GIT_ERROR_HTTP.rawValue, GIT_ERROR_NET.rawValue, GIT_ERROR_SSL.rawValue, GIT_ERROR_SSH.rawValue:
            return .network
        default:
            return .other
        }
    }

    /// The code for an HTTP error status from a Git server.
    package static func code(forHTTPStatus status: Int) -> GitError.Code {
        switch status {
        // GitHub answers 403 when the token may not read or write the repository.
        case 401, 403, 407: .authentication
        // GitHub answers 404 for a repository the credentials cannot see, too.
        case 404, 410: .notFound
        case 408, 504: .timeout
        case 429, 500...: .network
        default: .other
        }
    }
}
