public import Foundation

extension FakeGitHubAPI {
    /// How the fake answers a token request once the JWT has been verified.
    public enum Reply: Sendable, Equatable {
        /// Issue a token (the default), or 404 for an installation the fake does not know.
        case issueToken
        /// Answer with this status, a GitHub-style `{"message": …}` body and, when given, a
        /// `Retry-After` header in whole seconds.
        case status(Int, message: String, retryAfter: Duration? = nil)
        /// Answer 201 with this body, which is not a token.
        case malformed(body: String)
        /// Answer with this status, a GitHub-style `{"message": …}` body and these headers.
        case statusWithHeaders(Int, message: String, headers: [String: String])

        /// 401, as GitHub answers a JWT it refuses.
        public static let unauthorized = Reply.status(401, message: "A JSON web token could not be decoded")
        /// 403, as GitHub answers for a suspended installation.
        public static let forbidden = Reply.status(403, message: "This installation has been suspended")
        /// 404, as GitHub answers for an unknown installation.
        public static let notFound = Reply.status(404, message: "Not Found")
        /// 429 with `Retry-After`.
        public static func rateLimited(retryAfter: Duration) -> Reply {
            .status(429, message: "API rate limit exceeded", retryAfter: retryAfter)
        }
        /// 403 as GitHub answers a secondary rate limit: its message, `x-ratelimit-remaining`
        /// above 0 and no `Retry-After`.
        public static let secondaryRateLimited = Reply.statusWithHeaders(
            403,
            message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:44444444.",
            headers: ["x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4987", "x-ratelimit-used": "13", "x-ratelimit-resource": "core"]
        )
        /// 500.
        public static let serverError = Reply.status(500, message: "Server Error")
    }

    /// A request the fake received.
    public struct RecordedRequest: Sendable {
        /// The method, such as `POST`.
        public var method: String
        /// The path.
        public var path: String
        /// The installation id in a token request's path.
        public var installation: String?
        /// The JWT's `iss` claim as text, when the JWT could be read.
        public var issuer: String?
        /// The JWT's `iat` claim.
        public var issuedAt: Date?
        /// The JWT's `exp` claim.
        public var expiresAt: Date?
        /// `repositories` requested in the body.
        public var repositories: [String]?
        /// `repository_ids` requested in the body.
        public var repositoryIDs: [Int]?
        /// `permissions` requested in the body.
        public var permissions: [String: String]?
        /// Headers, except `Authorization`, by lower-cased name.
        public var headers: [String: String]
        /// The status the fake answered; `nil` while the request is pending or when it was
        /// abandoned before an answer.
        public var status: Int?
    }

    /// A token the fake issued.
    public struct IssuedToken: Sendable {
        /// The token text.
        public var token: String
        /// The installation it is for.
        public var installation: String
        /// When it expires, by the fake's clock.
        public var expiresAt: Date
        /// The repositories it was limited to, if any.
        public var repositories: [String]?
        /// The permissions it was limited to, if any.
        public var permissions: [String: String]?
    }
}
