import Foundation
import JobCore
import JobCorePostgres
import PostgresNIO
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Opening a store on a server that refuses it fails within seconds, naming the cause, instead
/// of after the pool's minute of retries (issue 17, item 13). Time-bound, so `scripts/test` runs
/// it on its own (its name holds `Exclusive`): alongside the whole suite on two cores, even a
/// refused connection can wait seconds for a thread.
@Suite(.timeLimit(.minutes(2))) struct PostgresConnectFailureExclusiveTests {
    /// A generous bound on "within a few seconds": the connect timeout is 5 s.
    static let bound: Duration = .seconds(15)
    static let wrongPassword = "wrong-Pa55word-never-shown"

    static func url(
        user: String = TestPostgres.user, password: String = TestPostgres.password, host: String = TestPostgres.host,
        port: Int = TestPostgres.port, database: String = TestPostgres.database, sslmode: String = "disable"
    ) -> String {
        "postgres://\(user):\(password)@\(host):\(port)/\(database)?sslmode=\(sslmode)"
    }

    /// Connects a store opened from `url` and returns the error and how long it took.
    static func failure(
        _ url: String, configuration: PostgresJobStore.Configuration = .init(listen: false)
    ) async throws -> (error: PostgresConnectionError, elapsed: Duration) {
        let store = try PostgresJobStore(url: url, configuration: configuration, logger: TestPostgres.logger)
        let start = ContinuousClock.now
        do {
            try await store.connect()
        } catch let error as PostgresConnectionError {
            return (error, ContinuousClock.now - start)
        }
        Issue.record("connecting to \(url) succeeded")
        throw CancellationError()
    }

    @Test func aWrongPasswordIsRefusedCredentialsWithinSecondsAndNeverShown() async throws {
        try await TestPostgres.requireServer()
        let (error, elapsed) = try await Self.failure(Self.url(password: Self.wrongPassword))
        #expect(error.code == .authenticationRefused, "\(error)")
        #expect(elapsed < Self.bound, "took \(elapsed)")
        #expect(error.message.contains("role '\(TestPostgres.user)'"), "\(error)")
        #expect(!"\(error)".contains(Self.wrongPassword))
        #expect(!String(reflecting: error).contains(Self.wrongPassword))
    }

    @Test func aRoleThatDoesNotExistIsRefusedCredentials() async throws {
        try await TestPostgres.requireServer()
        let (error, elapsed) = try await Self.failure(Self.url(user: "no_such_role_\(UInt32.random(in: 0...UInt32.max))"))
        #expect(error.code == .authenticationRefused, "\(error)")
        #expect(elapsed < Self.bound, "took \(elapsed)")
    }

    @Test func theStoresOperationsFailFastWithTheCauseToo() async throws {
        try await TestPostgres.requireServer()
        let store = try PostgresJobStore(url: Self.url(password: Self.wrongPassword), configuration: .init(listen: false), logger: TestPostgres.logger)
        let start = ContinuousClock.now
        // Not running the store: the first connection comes before the pool, which needs run().
        do {
            _ = try await store.count(JobFilter())
            Issue.record("count succeeded")
        } catch let error as JobStoreError {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("refused the credentials"), "\(error)")
            #expect(!error.message.contains(Self.wrongPassword))
        }
        #expect(ContinuousClock.now - start < Self.bound)
    }

    @Test func aClosedPortIsUnreachableWithinSeconds() async throws {
        let port = try closedPort()
        let (error, elapsed) = try await Self.failure(Self.url(port: port))
        #expect(error.code == .unreachable, "\(error)")
        #expect(elapsed < Self.bound, "took \(elapsed)")
        #expect(error.message.contains("127.0.0.1:\(port)"), "\(error)")
    }

    @Test func aHostThatDoesNotResolveIsUnreachableWithinSeconds() async throws {
        let (error, elapsed) = try await Self.failure(Self.url(host: "no-such-host.invalid"))
        #expect(error.code == .unreachable, "\(error)")
        #expect(elapsed < Self.bound, "took \(elapsed)")
    }

    @Test func aServerThatNeverAnswersIsUnreachableAfterTheConnectTimeout() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let (error, elapsed) = try await Self.failure(
            Self.url(port: silent.port), configuration: .init(listen: false, connectTimeout: .seconds(1))
        )
        #expect(error.code == .unreachable, "\(error)")
        #expect(error.message.contains("no answer within 1 s"), "\(error)")
        #expect(elapsed < Self.bound, "took \(elapsed)")
    }

    @Test func aDatabaseThatDoesNotExistIsNamed() async throws {
        try await TestPostgres.requireServer()
        let (error, elapsed) = try await Self.failure(Self.url(database: "no_such_database"))
        #expect(error.code == .databaseNotFound, "\(error)")
        #expect(error.message.contains("no_such_database"), "\(error)")
        #expect(elapsed < Self.bound, "took \(elapsed)")
    }

    @Test func requiringTLSFromAServerWithoutItIsATLSFailure() async throws {
        try await TestPostgres.requireServer()
        let (error, elapsed) = try await Self.failure(Self.url(sslmode: "require"))
        #expect(error.code == .tlsFailed, "\(error)")
        #expect(error.message.contains("sslmode=require"), "\(error)")
        #expect(elapsed < Self.bound, "took \(elapsed)")
    }

    @Test func aStoreThatConnectsMeasuresTheServersClockOnce() async throws {
        try await TestPostgres.requireServer()
        let clock = PostgresServerClock()
        let store = try PostgresJobStore(url: Self.url(), configuration: .init(listen: false), clock: clock, logger: TestPostgres.logger)
        #expect(clock.estimate == nil)
        try await store.connect()
        let estimate = try #require(clock.estimate)
        #expect(estimate.roundTrip < .seconds(5))
        try await store.connect()
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on: bound, then closed.
func closedPort() throws -> Int {
    let listener = try SilentListener()
    listener.close()
    return listener.port
}

/// A socket on 127.0.0.1 that listens and never accepts: the kernel completes TCP handshakes,
/// nobody answers.
final class SilentListener: Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw JobStoreError(.unavailable, "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address -> Bool in
                bind(fd, address, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, address, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(fd)
            throw JobStoreError(.unavailable, "bind/listen: errno \(errno)")
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
