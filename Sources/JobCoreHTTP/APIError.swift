public import HTTPTypes
public import Hummingbird
import JobCore
import JobCoreJSON
import Foundation

/// An error of the HTTP API, answered as `{"error": {"code": "...", "message": "..."}}` with its
/// status. The message is written for the client: it never holds a stack trace or a secret.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable, machine-readable code, such as `notFound` or `staleVersion`.
    public var code: String
    /// What went wrong, for a person.
    public var message: String
    /// Extra response headers, such as `Allow` with a 405.
    public var headers: HTTPFields

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The response: the error document as JSON.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let document = ["error": ["code": code, "message": message]]
        let data = try JobJSON.encoder().encode(document) + Data("\n".utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: The errors the API answers

    /// 400: the request is malformed or a value is out of range.
    static func invalid(_ message: String) -> APIError { APIError(.badRequest, code: "invalidInput", message) }
    /// 404: no job with this id.
    static func noSuchJob(_ id: JobID) -> APIError { APIError(.notFound, code: "notFound", "no such job: \(id)") }
    /// 409: not allowed in the job's current state.
    static func wrongState(_ message: String) -> APIError { APIError(.conflict, code: "invalidState", message) }

    /// The answer to an error thrown while serving a request: API errors as they are, a store's
    /// errors mapped to their status, framework errors by their status, anything else a 500
    /// without detail.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as JobStoreError:
            return from(error)
        case let error as CommandJobError:
            return invalid(error.message)
        case let error as GitError where error.code == .invalidInput:
            return invalid(error.message)
        case let error as any HTTPResponseError:
            return fromFramework(error.status)
        default:
            return APIError(.internalServerError, code: "internal", "the server failed to handle the request")
        }
    }

    /// A store's error: its code decides the status.
    static func from(_ error: JobStoreError) -> APIError {
        let prefix = error.jobID.map { "job \($0)" + (error.state.map { " (\($0))" } ?? "") + ": " } ?? ""
        switch error.code {
        case .notFound:
            if let id = error.jobID, !error.message.hasPrefix("dependency") { return noSuchJob(id) }
            return APIError(.notFound, code: "notFound", error.message)
        case .invalidState: return wrongState(prefix + error.message)
        case .conflict: return APIError(.preconditionFailed, code: "staleVersion", prefix + error.message)
        case .staleEpoch: return APIError(.conflict, code: "conflict", prefix + error.message)
        case .duplicate: return APIError(.conflict, code: "duplicate", prefix + error.message)
        case .invalidArgument: return invalid(error.message)
        case .unavailable: return APIError(.serviceUnavailable, code: "unavailable", "the job store is unavailable; try again later")
        case .unsupported: return APIError(.notImplemented, code: "unsupported", error.message)
        case .corruptRecord: return APIError(.internalServerError, code: "corruptRecord", prefix + error.message)
        default: return APIError(.internalServerError, code: "internal", "the job store failed")
        }
    }

    /// An error the framework raised (a body over the limit, a malformed request).
    private static func fromFramework(_ status: HTTPResponse.Status) -> APIError {
        switch status {
        case .contentTooLarge: APIError(status, code: "tooLarge", "the request body is too large")
        case .notFound: APIError(status, code: "notFound", "no such route")
        case .methodNotAllowed: APIError(status, code: "methodNotAllowed", "method not allowed")
        case .badRequest: invalid("malformed request")
        default:
            status.code >= 500
                ? APIError(.internalServerError, code: "internal", "the server failed to handle the request")
                : APIError(status, code: "requestFailed", status.reasonPhrase)
        }
    }
}
