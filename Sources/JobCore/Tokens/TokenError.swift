public import Foundation

/// Why a ``TokenProvider`` could not hand out a token.
///
/// The ``code`` says what kind of failure it is; ``message`` says what is wrong in words a person
/// can act on (which variable, which key file, which installation). Neither ever contains a key
/// or a token: the error is safe to log and to show.
public struct TokenError: Error, Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case variableNotSet, invalidTenant, keyUnreadable, invalidKey, jwtRejected
            case installationNotFound, forbidden, rateLimited, requestRejected, server
            case network, malformedResponse
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The environment variable that should hold the token is unset or empty.
        public static let variableNotSet = Code(.variableNotSet)
        /// The tenant is missing or is not what the provider expects (an installation id).
        public static let invalidTenant = Code(.invalidTenant)
        /// The private key file cannot be read (missing, not permitted, not text).
        public static let keyUnreadable = Code(.keyUnreadable)
        /// The private key is not a usable RSA private key in PEM form.
        public static let invalidKey = Code(.invalidKey)
        /// The API refused the app's JWT (HTTP 401): wrong app id, wrong key, or clock skew.
        public static let jwtRejected = Code(.jwtRejected)
        /// The installation does not exist or is not an installation of this app (HTTP 404).
        public static let installationNotFound = Code(.installationNotFound)
        /// The API refused the request (HTTP 403): suspended installation, missing permission.
        public static let forbidden = Code(.forbidden)
        /// The API rate-limited the app (HTTP 429, or 403 with a rate-limit answer).
        public static let rateLimited = Code(.rateLimited)
        /// The API refused the request as invalid (another 4xx, such as 422 for an unknown
        /// repository in the scoping).
        public static let requestRejected = Code(.requestRejected)
        /// The API failed (HTTP 5xx).
        public static let server = Code(.server)
        /// The API could not be reached, or did not answer in time.
        public static let network = Code(.network)
        /// The API answered something that is not a token.
        public static let malformedResponse = Code(.malformedResponse)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What is wrong, for a person. Never contains secret material.
    public var message: String
    /// The tenant (installation id) the token was for, when there was one.
    public var tenant: String?
    /// The HTTP status the API answered, when it answered.
    public var httpStatus: Int?
    /// How long to wait before asking again, when the API said so (rate limits).
    public var retryAfter: Duration?

    /// Creates an error.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - message: what is wrong; must not contain secret material.
    ///   - tenant: the tenant the token was for.
    ///   - httpStatus: the HTTP status the API answered.
    ///   - retryAfter: how long to wait before asking again.
    public init(
        _ code: Code,
        _ message: String,
        tenant: String? = nil,
        httpStatus: Int? = nil,
        retryAfter: Duration? = nil
    ) {
        self.code = code
        self.message = message
        self.tenant = tenant
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
    }

    /// Whether the credential itself was refused or is unusable, so that asking again with the
    /// same configuration cannot succeed (a CLI maps this to exit status 77).
    public var isCredentialFailure: Bool {
        [.variableNotSet, .keyUnreadable, .invalidKey, .jwtRejected, .installationNotFound, .forbidden]
            .contains(code)
    }

    /// Whether asking again later may succeed (rate limits, server and network failures).
    public var isTransient: Bool {
        [.rateLimited, .server, .network].contains(code)
    }

    public var description: String { "\(code): \(message)" }

    public var debugDescription: String {
        var parts = ["code: \(code)", "message: \(message)"]
        if let tenant { parts.append("tenant: \(tenant)") }
        if let httpStatus { parts.append("httpStatus: \(httpStatus)") }
        if let retryAfter { parts.append("retryAfter: \(retryAfter)") }
        return "TokenError(\(parts.joined(separator: ", ")))"
    }
}

extension TokenError: LocalizedError {
    public var errorDescription: String? { description }
}
