import Foundation
import JobCore
import JobCorePostgres
import Logging
import NIOPosix
import PostgresNIO
import Synchronization

/// The PostgreSQL server the tests use: `POSTGRES_HOST`, `POSTGRES_PORT`, `POSTGRES_USER`,
/// `POSTGRES_PASSWORD`, `POSTGRES_DATABASE`, with defaults matching `scripts/postgres`.
/// When it cannot be reached the tests fail (they never skip): run `scripts/postgres` first.
enum TestPostgres {
    static let environment = ProcessInfo.processInfo.environment
    static var host: String { environment["POSTGRES_HOST"] ?? "127.0.0.1" }
    static var port: Int { environment["POSTGRES_PORT"].flatMap(Int.init) ?? 55432 }
    static var user: String { environment["POSTGRES_USER"] ?? "jobcore" }
    static var password: String { environment["POSTGRES_PASSWORD"] ?? "jobcore" }
    static var database: String { environment["POSTGRES_DATABASE"] ?? "jobcore" }

    /// The URL of the test server, for `PostgresJobStore(url:)` and `jobctl --store`.
    static func url(schema: PostgresSchemaName, port: Int? = nil, maxConnections: Int = 6) -> String {
        "postgres://\(user):\(password)@\(host):\(port ?? self.port)/\(database)?sslmode=disable&schema=\(schema.name)&max_connections=\(maxConnections)"
    }

    static func configuration(port: Int? = nil, maxConnections: Int = 6) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port ?? self.port, username: user, password: password, database: database, tls: .disable
        )
        configuration.options.maximumConnections = maxConnections
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    static var logger: Logger {
        var logger = Logger(label: "jobcore.postgres.tests")
        logger.logLevel = .critical
        return logger
    }

    /// A schema name no other test uses.
    static func freshSchema(_ prefix: String = "t") -> PostgresSchemaName {
        try! PostgresSchemaName("\(prefix)_\(UInt64.random(in: 0...UInt64.max) >> 8)")
    }

    private static let reachable = Mutex<Bool>(false)

    /// Fails fast, with a useful message, when the server does not answer (a pool would keep
    /// retrying).
    static func requireServer(port: Int? = nil) async throws {
        if port == nil, reachable.withLock({ $0 }) { return }
        let target = "\(host):\(port ?? self.port)"
        do {
            let connection = try await PostgresConnection.connect(
                configuration: PostgresConnection.Configuration(
                    host: host, port: port ?? self.port, username: user, password: password, database: database, tls: .disable
                ),
                id: 1, logger: logger
            )
            try await connection.close()
        } catch {
            throw JobStoreError(.unavailable, "the PostgreSQL test server at \(target) is unreachable (\(String(reflecting: error))); start it with scripts/postgres")
        }
        if port == nil { reachable.withLock { $0 = true } }
    }

    /// Runs `body` with a running client of the test server.
    static func withClient<T: Sendable>(
        port: Int? = nil, maxConnections: Int = 6, _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        try await requireServer(port: port)
        let client = PostgresClient(configuration: configuration(port: port, maxConnections: maxConnections), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Runs `body` with a store in a fresh schema (dropped afterwards), its `run()` running
    /// unless `run` is `false`.
    static func withStore<T: Sendable>(
        clock: any WallClock = SystemClock(), configuration: PostgresJobStore.Configuration = .init(),
        maxConnections: Int = 6, run: Bool = true, _ body: @Sendable (PostgresJobStore) async throws -> T
    ) async throws -> T {
        try await withClient(maxConnections: maxConnections) { client in
            var configuration = configuration
            configuration.schema = freshSchema()
            let store = PostgresJobStore(client: client, configuration: configuration, clock: clock, logger: logger)
            defer { }
            let result: Result<T, any Error>
            do {
                result = .success(try await withThrowingTaskGroup(of: Void.self) { group in
                    if run { group.addTask { try await store.run() } }
                    defer { group.cancelAll() }
                    if run, configuration.listen { await store.waitUntilListening() }
                    return try await body(store)
                })
            } catch {
                result = .failure(error)
            }
            try await dropSchema(configuration.schema, client: client)
            return try result.get()
        }
    }

    static func dropSchema(_ schema: PostgresSchemaName, client: PostgresClient) async throws {
        try await client.query("DROP SCHEMA IF EXISTS \(unescaped: "\"\(schema.name)\"") CASCADE")
    }
}

extension PostgresJobStore {
    /// The store's schema, quoted, for the tests' own SQL.
    var quotedSchema: String { "\"\(configuration.schema.name)\"" }

    /// Runs a test query that returns one integer.
    func scalar(_ query: PostgresQuery) async throws -> Int {
        var value = 0
        for try await number in try await client.query(query).decode(Int.self) { value = number }
        return value
    }
}

/// A value shared between test tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }

    var value: Value { mutex.withLock { $0 } }
}
