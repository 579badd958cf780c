public import Foundation

extension GitHubAppTokenProvider {
    /// What a ``GitHubAppTokenProvider`` needs to know: which app, its key, which API, and how
    /// tokens are scoped and cached.
    public struct Configuration: Sendable {
        /// The app id (`123456`) or client id (`Iv1.abc…`) put in the JWT's `iss` claim.
        public var appID: String
        /// The app's private key.
        public var privateKey: GitHubAppPrivateKey
        /// The REST API root. Defaults to `https://api.github.com`; for GitHub Enterprise Server
        /// use `https://HOST/api/v3`.
        public var apiBaseURL: URL
        /// A cached token is replaced once it is this close to `expires_at`. Defaults to 5 minutes.
        public var refreshMargin: Duration
        /// Repository names (without the owner) the tokens are limited to. Defaults to `nil`:
        /// every repository the installation can access.
        public var repositories: [String]?
        /// Repository ids the tokens are limited to. Defaults to `nil`.
        public var repositoryIDs: [Int]?
        /// Permissions the tokens are limited to, such as `["contents": "write"]`. Defaults to
        /// `nil`: every permission the installation grants.
        public var permissions: [String: String]?
        /// The installation used when a caller asks for a token without naming a tenant.
        /// Defaults to `nil`: a tenant is required.
        public var defaultInstallationID: String?
        /// How long one token request may take before it fails with `.network`. Defaults to 30 s.
        public var requestTimeout: Duration
        /// The `User-Agent` header GitHub requires. Defaults to `JobCore`.
        public var userAgent: String
        /// The largest answer read from GitHub, in bytes; a larger one fails as
        /// `.malformedResponse` "response too large". Defaults to 16 MiB: an installation token
        /// scoped to 500 repositories lists them in full (about 2.8 MB).
        public var maximumResponseSize: Int = 16 << 20
        /// The longest wait after rate-limited answers that name no wait (a secondary rate
        /// limit): one minute, doubled for each such answer in a row, up to this. Defaults to
        /// 30 minutes.
        public var maximumRateLimitBackoff: Duration = .seconds(1800)

        /// Creates a configuration.
        /// - Parameters:
        ///   - appID: the app id or client id.
        ///   - privateKey: the app's private key.
        ///   - apiBaseURL: the REST API root. Defaults to `https://api.github.com`.
        ///   - refreshMargin: how long before expiry a token is replaced. Defaults to 5 minutes.
        ///   - repositories: repository names to limit tokens to. Defaults to `nil`.
        ///   - repositoryIDs: repository ids to limit tokens to. Defaults to `nil`.
        ///   - permissions: permissions to limit tokens to. Defaults to `nil`.
        ///   - defaultInstallationID: the installation for callers that name none. Defaults to `nil`.
        ///   - requestTimeout: the time limit of one token request. Defaults to 30 seconds.
        ///   - userAgent: the `User-Agent` header. Defaults to `JobCore`.
        public init(
            appID: String,
            privateKey: GitHubAppPrivateKey,
            apiBaseURL: URL = URL(string: "https://api.github.com")!,
            refreshMargin: Duration = .seconds(300),
            repositories: [String]? = nil,
            repositoryIDs: [Int]? = nil,
            permissions: [String: String]? = nil,
            defaultInstallationID: String? = nil,
            requestTimeout: Duration = .seconds(30),
            userAgent: String = "JobCore"
        ) {
            self.appID = appID
            self.privateKey = privateKey
            self.apiBaseURL = apiBaseURL
            self.refreshMargin = refreshMargin
            self.repositories = repositories
            self.repositoryIDs = repositoryIDs
            self.permissions = permissions
            self.defaultInstallationID = defaultInstallationID
            self.requestTimeout = requestTimeout
            self.userAgent = userAgent
        }

        /// Creates a configuration whose key is read from a PEM file (PKCS#1 or PKCS#8).
        /// - Parameters:
        ///   - appID: the app id or client id.
        ///   - privateKeyFile: the path of the PEM file.
        ///   - apiBaseURL: the REST API root. Defaults to `https://api.github.com`.
        /// - Throws: `TokenError` `.keyUnreadable` or `.invalidKey`, naming the file.
        public init(
            appID: String,
            privateKeyFile: String,
            apiBaseURL: URL = URL(string: "https://api.github.com")!
        ) throws {
            self.init(
                appID: appID,
                privateKey: try GitHubAppPrivateKey(contentsOfFile: privateKeyFile),
                apiBaseURL: apiBaseURL
            )
        }
    }
}
