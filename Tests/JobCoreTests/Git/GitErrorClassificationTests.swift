import CLibGit2
import Foundation
import JobCore
import JobCoreTesting
import Testing

/// libgit2 failures (return code, error class, message) and the ``GitError`` codes they mean.
@Suite struct GitErrorClassificationTests {
    static let http = Int32(GIT_ERROR_HTTP.rawValue)
    static let net = Int32(GIT_ERROR_NET.rawValue)
    static let ssl = Int32(GIT_ERROR_SSL.rawValue)
    static let reference = Int32(GIT_ERROR_REFERENCE.rawValue)
    static let os = Int32(GIT_ERROR_OS.rawValue)
    static let generic = GIT_ERROR.rawValue

    struct Case: Sendable, CustomTestStringConvertible {
        var status: Int32
        var errorClass: Int32
        var message: String
        var code: GitError.Code
        var httpStatus: Int?
        var testDescription: String { "\(status)/\(errorClass) \(message) → \(code)" }
    }

    static let cases: [Case] = [
        // Return codes decide first, whatever the class and message.
        Case(status: GIT_EAUTH.rawValue, errorClass: http, message: "unexpected authentication failure", code: .authentication),
        Case(status: GIT_TIMEOUT.rawValue, errorClass: net, message: "could not read from socket: timed out", code: .timeout),
        Case(status: GIT_ENOTFOUND.rawValue, errorClass: reference, message: "reference 'refs/heads/x' not found", code: .notFound),
        Case(status: GIT_ECERTIFICATE.rawValue, errorClass: ssl, message: "the SSL certificate is invalid", code: .network),
        Case(status: GIT_EEOF.rawValue, errorClass: net, message: "early EOF", code: .network),
        Case(status: GIT_EINVALIDSPEC.rawValue, errorClass: reference, message: "not a valid reference name", code: .invalidInput),
        Case(status: GIT_ENONFASTFORWARD.rawValue, errorClass: reference, message: "cannot push non-fastforwardable reference", code: .rejected),
        // HTTP statuses, as libgit2 reports them.
        Case(status: generic, errorClass: http, message: "unexpected http status code: 401", code: .authentication, httpStatus: 401),
        Case(status: generic, errorClass: http, message: "unexpected http status code: 403", code: .authentication, httpStatus: 403),
        Case(status: generic, errorClass: http, message: "unexpected http status code: 404", code: .notFound, httpStatus: 404),
        Case(status: generic, errorClass: http, message: "unexpected http status code: 408", code: .timeout, httpStatus: 408),
        Case(status: generic, errorClass: http, message: "unexpected http status code: 422", code: .other, httpStatus: 422),
        Case(status: generic, errorClass: http, message: "unexpected http status code: 429", code: .network, httpStatus: 429),
        Case(status: generic, errorClass: http, message: "unexpected http status code: 500", code: .network, httpStatus: 500),
        Case(status: generic, errorClass: http, message: "unexpected http status code: 503", code: .network, httpStatus: 503),
        // Classes without a status.
        Case(status: generic, errorClass: http, message: "unexpected redirect", code: .network),
        Case(status: generic, errorClass: net, message: "failed to connect to 127.0.0.1: Connection refused", code: .network),
        Case(status: generic, errorClass: ssl, message: "TLS handshake failed", code: .network),
        Case(status: generic, errorClass: os, message: "could not create directory", code: .other),
        // Messages are not searched: a number in a message of another class means nothing.
        Case(status: generic, errorClass: os, message: "failed to open 404.txt", code: .other),
        Case(status: generic, errorClass: net, message: "unexpected http status code: 404", code: .network),
    ]

    @Test(arguments: cases)
    func classifies(_ entry: Case) {
        let failure = LibGit2Failure(status: entry.status, errorClass: entry.errorClass, message: entry.message)
        #expect(failure.code == entry.code)
        #expect(failure.httpStatus == entry.httpStatus)
    }

    /// Real answers of a server, through libgit2: the status reaches the error.
    @Test(arguments: [(401, GitError.Code.authentication), (403, .authentication), (404, .notFound), (500, .network)])
    func serverStatusesBecomeCodes(status: Int, code: GitError.Code) async throws {
        let server = try await TestHTTPServer.start { _ in TestHTTPResponse(status: status, body: Data("no\n".utf8)) }
        try await TemporaryDirectory.with { scratch in
            let source = try RepositorySource.parse("\(server.baseURL.absoluteString)/acme/widgets.git")
            let target = scratch.appendingPathComponent("x")
            let error = await #expect(throws: GitError.self) { try await GitClient().clone(source, into: target.path) }
            #expect(error?.code == code)
            if status != 401 { #expect(error?.httpStatus == status) }
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
        try await server.shutdown()
    }
}
