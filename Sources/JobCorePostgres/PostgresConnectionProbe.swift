import Foundation
@_spi(JobStoreImplementation) import JobCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One connection of its own to the server a URL names, opened before the store uses its pool:
/// the pool retries a failing connection for about a minute and then reports only that its
/// circuit breaker tripped, whereas this connection fails within ``timeout`` with the cause.
struct PostgresConnectionProbe: Sendable {
    /// The TLS choice of the URL (the client configuration keeps its own opaque).
    enum TLS: Sendable {
        case disable
        case prefer(TLSConfiguration)
        case require(TLSConfiguration)
    }

    /// Endpoint, credentials and startup parameters.
    var client: PostgresClient.Configuration
    var tls: TLS
    /// The bound on opening the connection: TCP connect, TLS, authentication, startup.
    var timeout: Duration

    /// The server, role and database, for messages (never the password).
    var target: String {
        let server = client.unixSocketPath ?? "\(client.host ?? "?"):\(client.port ?? 5432)"
        let database = client.database.flatMap { $0.isEmpty ? nil : $0 } ?? client.username
        return "PostgreSQL at \(server) (database '\(database)', role '\(client.username)')"
    }

    /// Opens a connection, runs `body` on it and closes it.
    /// - Throws: ``PostgresConnectionError`` when the connection cannot be opened; `body`'s
    ///   errors as they are.
    func withConnection<T: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await connect(logger: logger)
        do {
            let value = try await body(connection)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Opens a connection within ``timeout``.
    /// - Throws: ``PostgresConnectionError`` naming the cause.
    func connect(logger: Logger) async throws -> PostgresConnection {
        let timeout = self.timeout
        let started = ContinuousClock.now
        do {
            let configuration = try await connectionConfiguration()
            return try await withThrowingTaskGroup(of: PostgresConnection?.self) { group in
                group.addTask {
                    try await PostgresConnection.connect(configuration: configuration, id: Int.random(in: 1...Int.max), logger: logger)
                }
                // A bound on the connection attempt, not a wait for something awaitable: a server
                // that accepts TCP and never answers would otherwise hold the caller.
                group.addTask {
                    try await Task.sleep(until: started + timeout, clock: .continuous)
                    return nil
                }
                let first = try await group.next()
                group.cancelAll()
                // The connection may have opened just as the bound passed: close it.
                while let late = try? await group.next() { try? await late?.close() }
                guard let connection = first ?? nil else {
                    throw PostgresConnectionError(.unreachable, "\(target): no answer within \(timeout.seconds) s")
                }
                return connection
            }
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw classify(error)
        }
    }

    /// The connection configuration, with a TLS context built off the cooperative pool (it reads
    /// the system's trust roots).
    private func connectionConfiguration() async throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let path = client.unixSocketPath {
            configuration = .init(unixSocketPath: path, username: client.username, password: client.password, database: client.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch self.tls {
            case .disable: tls = .disable
            case .prefer(let settings): tls = .prefer(try await Self.context(settings))
            case .require(let settings): tls = .require(try await Self.context(settings))
            }
            configuration = .init(
                host: client.host ?? "localhost", port: client.port ?? 5432, username: client.username,
                password: client.password, database: client.database, tls: tls
            )
        }
        configuration.options.connectTimeout = TimeAmount.nanoseconds(Int64(timeout.timeInterval * 1e9))
        configuration.options.tlsServerName = client.options.tlsServerName
        configuration.options.requireBackendKeyData = client.options.requireBackendKeyData
        configuration.options.additionalStartupParameters = client.options.additionalStartupParameters
        return configuration
    }

    private static func context(_ settings: TLSConfiguration) async throws -> NIOSSLContext {
        do {
            return try await NIOThreadPool.singleton.runIfActive { try NIOSSLContext(configuration: settings) }
        } catch {
            throw PostgresConnectionError(.tlsFailed, "the TLS configuration cannot be used: \(error)")
        }
    }

    /// The cause of a failed connection attempt.
    func classify(_ error: any Error) -> PostgresConnectionError {
        if let error = error as? PostgresConnectionError { return error }
        if let channel = error as? ChannelError, case .connectTimeout = channel {
            return PostgresConnectionError(.unreachable, "\(target): no answer within \(timeout.seconds) s")
        }
        guard let error = error as? PSQLError else {
            return PostgresConnectionError(.unreachable, "\(target) cannot be reached: \(error)")
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? "?"
            let message = error.serverInfo?[.message] ?? "server error"
            switch state {
            case "28P01", "28000":
                return PostgresConnectionError(.authenticationRefused, "\(target) refused the credentials: \(message) (SQLSTATE \(state))")
            case "3D000":
                return PostgresConnectionError(.databaseNotFound, "\(target): \(message) (SQLSTATE \(state))")
            default:
                return PostgresConnectionError(.unreachable, "\(target) refused the connection: \(message) (SQLSTATE \(state))")
            }
        case .authMechanismRequiresPassword:
            return PostgresConnectionError(.authenticationRefused, "\(target) requires a password and the URL has none")
        case .unsupportedAuthMechanism, .saslError:
            return PostgresConnectionError(.authenticationRefused, "\(target): authentication failed (\(error.code))")
        case .sslUnsupported:
            return PostgresConnectionError(
                .tlsFailed, "\(target) does not accept TLS and the URL requires it (sslmode=require); enable ssl on the server, or use sslmode=prefer or disable"
            )
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            return PostgresConnectionError(.tlsFailed, "\(target): TLS could not be established (\(error.code))")
        default:
            let cause = error.underlying.map(Self.describe) ?? "\(error.code)"
            if let underlying = error.underlying, Self.isTLS(underlying) {
                return PostgresConnectionError(.tlsFailed, "\(target): the TLS handshake failed: \(cause)")
            }
            if let underlying = error.underlying as? ChannelError, case .connectTimeout = underlying {
                // The driver's own bound (the same timeout) may pass before ours: one message for both.
                return PostgresConnectionError(.unreachable, "\(target): no answer within \(timeout.seconds) s")
            }
            return PostgresConnectionError(.unreachable, "\(target) cannot be reached: \(cause)")
        }
    }

    private static func isTLS(_ error: any Error) -> Bool {
        error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError
    }

    /// A short description of a connection failure (NIO's own are verbose).
    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return describe(first.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "the host name \(error.host) does not resolve" }
            return "no address of \(error.host) accepted the connection"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        default:
            return "\(error)"
        }
    }
}

extension Duration {
    /// Whole and fractional seconds, for messages (`5`, `0.5`).
    var seconds: String {
        let value = timeInterval
        return value == value.rounded() ? "\(Int(value))" : "\(value)"
    }
}
