@_spi(JobStoreImplementation) public import JobCore

/// Why ``PostgresJobStore`` could not open a session with its server: an opaque ``Code`` plus a
/// message for people naming the server, the role and the database (never the password).
///
/// ``PostgresJobStore/connect()`` throws it; the store's operations report the same failure as
/// ``storeError`` (`JobStoreError` with `unavailable`), as every store does.
public struct PostgresConnectionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case authenticationRefused, unreachable, databaseNotFound, tlsFailed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The server refused the credentials: a wrong password, a role that does not exist or
        /// may not log in, no `pg_hba.conf` entry for it, or a password the server demands and
        /// the URL lacks (SQLSTATE class 28).
        public static let authenticationRefused = Code(.authenticationRefused)
        /// The server cannot be reached: the host does not resolve, the port is closed, nothing
        /// answered within ``PostgresJobStore/Configuration/connectTimeout``, or the server is
        /// starting, shutting down or out of connections.
        public static let unreachable = Code(.unreachable)
        /// The server has no database of that name (SQLSTATE 3D000).
        public static let databaseNotFound = Code(.databaseNotFound)
        /// TLS could not be established as the URL asks: `sslmode=require` against a server
        /// without TLS, or a failed handshake.
        public static let tlsFailed = Code(.tlsFailed)

        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// The error the store's operations throw for this failure: `unavailable` with the message.
    public var storeError: JobStoreError { JobStoreError(.unavailable, message) }
}
