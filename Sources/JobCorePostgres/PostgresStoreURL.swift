import Foundation
@_spi(JobStoreImplementation) public import JobCore
public import PostgresNIO

/// A `postgres://` URL parsed into what ``PostgresJobStore`` needs to connect.
///
/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?schema=NAME&sslmode=MODE&max_connections=N`
/// (`postgresql://` too). The port defaults to 5432, the database to the user name. `sslmode` is
/// `disable`, `prefer` (the default, as libpq) or `require`. A `host` query parameter that starts
/// with `/` names the directory of a Unix-domain socket instead (as libpq), e.g.
/// `postgres://jobcore@/jobcore?host=/var/run/postgresql`. User and password may be
/// percent-encoded. The password never appears in ``description``. Sessions start with `jit=off`
/// (see `docs/operations.md`).
public struct PostgresStoreURL: Sendable, CustomStringConvertible {
    /// The client configuration: endpoint, credentials, TLS, pool size.
    public var client: PostgresClient.Configuration
    /// The schema from `?schema=`, else the default.
    public var schema: PostgresSchemaName
    /// The TLS choice, for the connection ``PostgresJobStore`` opens before its pool.
    let tls: PostgresConnectionProbe.TLS
    private let redacted: String

    /// Parses a URL.
    /// - Throws: `JobStoreError` with `invalidArgument` when the URL is not a usable
    ///   PostgreSQL URL (the message never contains the password).
    public init(_ text: String) throws(JobStoreError) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql" else {
            throw JobStoreError(.invalidArgument, "not a postgres:// URL")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        guard let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw JobStoreError(.invalidArgument, "a postgres:// URL needs a user: postgres://USER:PASSWORD@HOST/DATABASE")
        }
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        let port = components.port ?? 5432
        var configuration: PostgresClient.Configuration
        var probeTLS = PostgresConnectionProbe.TLS.disable
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database
            )
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw JobStoreError(.invalidArgument, "a postgres:// URL needs a host (or ?host=/socket/directory)")
            }
            let tls: PostgresClient.Configuration.TLS
            switch query["sslmode"] ?? "prefer" {
            case "disable": tls = .disable
            case "prefer", "allow":
                tls = .prefer(.makeClientConfiguration())
                probeTLS = .prefer(.makeClientConfiguration())
            case "require", "verify-ca", "verify-full":
                tls = .require(.makeClientConfiguration())
                probeTLS = .require(.makeClientConfiguration())
            case let other: throw JobStoreError(.invalidArgument, "unknown sslmode '\(other)': use disable, prefer or require")
            }
            configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        if let text = query["max_connections"] {
            guard let count = Int(text), count >= 2 else {
                throw JobStoreError(.invalidArgument, "max_connections must be an integer of at least 2")
            }
            configuration.options.maximumConnections = count
        } else {
            configuration.options.maximumConnections = 10
        }
        // The store's statements are short; JIT compilation (which PostgreSQL starts when a plan's
        // estimated cost is high, as it gets with millions of rows) would cost more than they do.
        configuration.options.additionalStartupParameters.append(("jit", "off"))
        // A worker stopped (SIGSTOP) or cut off in the middle of one of the store's transactions
        // would hold its row locks for ever, and the reaper of every other worker would wait on
        // them. The store's transactions never wait on their client for long: end such a
        // session, and release its locks, after 10 seconds.
        configuration.options.additionalStartupParameters.append(("idle_in_transaction_session_timeout", "10s"))
        client = configuration
        self.tls = probeTLS
        schema = try query["schema"].map { name throws(JobStoreError) in try PostgresSchemaName(name) } ?? PostgresJobStore.defaultSchema
        var safe = components
        if safe.password != nil { safe.password = "***" }
        redacted = safe.string ?? "postgres://"
    }

    /// The connection the store opens first, to fail fast with the cause.
    func probe(timeout: Duration) -> PostgresConnectionProbe {
        PostgresConnectionProbe(client: client, tls: tls, timeout: timeout)
    }

    /// The URL with the password replaced by `***`.
    public var description: String { redacted }
}
