import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `jobctl --store postgres://…` on a server that refuses it ends within seconds with the
/// contract's exit code and the cause, never the password (issue 17, item 13). The server is the
/// tests' PostgreSQL (`scripts/postgres`, `POSTGRES_*`).
@Suite struct PostgresStoreFailureExclusiveTests {
    static let environment = ProcessInfo.processInfo.environment
    static let host = environment["POSTGRES_HOST"] ?? "127.0.0.1"
    static let port = environment["POSTGRES_PORT"].flatMap(Int.init) ?? 55432
    static let user = environment["POSTGRES_USER"] ?? "jobcore"
    static let password = environment["POSTGRES_PASSWORD"] ?? "jobcore"
    static let database = environment["POSTGRES_DATABASE"] ?? "jobcore"
    /// A generous bound on "within a few seconds" (the store's connect timeout is 5 s; a run
    /// takes under a second), for a whole process on a machine busy with the other tests: still
    /// far from the minute the pool took before.
    static let bound: Duration = .seconds(30)
    static let wrongPassword = "wrong-Pa55word-never-shown"

    static func url(
        user: String = user, password: String = password, port: Int = port, database: String = database, sslmode: String = "disable"
    ) -> String {
        "postgres://\(user):\(password)@\(host):\(port)/\(database)?sslmode=\(sslmode)&schema=jobctl_never_created"
    }

    /// Runs `jobctl list` on `url`; returns its output and how long it took.
    static func list(_ url: String) async throws -> (output: JobctlProcess.Output, elapsed: Duration) {
        let start = ContinuousClock.now
        let output = try await JobctlProcess.run(["list", "--store", url])
        return (output, ContinuousClock.now - start)
    }

    @Test func aWrongPasswordExits77WithinSecondsWithoutThePassword() async throws {
        let (output, elapsed) = try await Self.list(Self.url(password: Self.wrongPassword))
        #expect(output.status == 77, "\(output.stderr)")
        #expect(elapsed < Self.bound, "took \(elapsed)")
        #expect(output.stderr.hasPrefix("jobctl: store: PostgreSQL at \(Self.host):\(Self.port)"), "\(output.stderr)")
        #expect(output.stderr.contains("refused the credentials"), "\(output.stderr)")
        #expect(output.stderr.contains("role '\(Self.user)'"), "\(output.stderr)")
        #expect(!output.stderr.contains(Self.wrongPassword))
        #expect(!output.stdout.contains(Self.wrongPassword))
        #expect(output.stderr.split(separator: "\n").count == 1, "one line: \(output.stderr)")
    }

    @Test func aRoleThatDoesNotExistExits77() async throws {
        let (output, elapsed) = try await Self.list(Self.url(user: "no_such_role"))
        #expect(output.status == 77, "\(output.stderr)")
        #expect(elapsed < Self.bound, "took \(elapsed)")
    }

    @Test func aClosedPortExits69WithinSeconds() async throws {
        let (output, elapsed) = try await Self.list(Self.url(port: try Self.closedPort()))
        #expect(output.status == 69, "\(output.stderr)")
        #expect(elapsed < Self.bound, "took \(elapsed)")
        #expect(output.stderr.contains("cannot be reached"), "\(output.stderr)")
        #expect(!output.stderr.contains("circuitBreaker"), "\(output.stderr)")
    }

    @Test func aDatabaseThatDoesNotExistExits2() async throws {
        let (output, elapsed) = try await Self.list(Self.url(database: "no_such_database"))
        #expect(output.status == 2, "\(output.stderr)")
        #expect(elapsed < Self.bound, "took \(elapsed)")
        #expect(output.stderr.contains("no_such_database"), "\(output.stderr)")
    }

    @Test func requiringTLSFromAServerWithoutItExits69() async throws {
        let (output, elapsed) = try await Self.list(Self.url(sslmode: "require"))
        #expect(output.status == 69, "\(output.stderr)")
        #expect(elapsed < Self.bound, "took \(elapsed)")
        #expect(output.stderr.contains("sslmode=require"), "\(output.stderr)")
    }

    @Test func theWorkerFailsFastToo() async throws {
        try await JobctlEnvironment.with { env in
            let start = ContinuousClock.now
            let output = try await env.jobctl(["worker", "--store", Self.url(password: Self.wrongPassword)])
            #expect(output.status == 77, "\(output.stderr)")
            #expect(ContinuousClock.now - start < Self.bound)
            #expect(!output.stderr.contains(Self.wrongPassword))
        }
    }

    /// A TCP port on 127.0.0.1 that nothing listens on: bound, then closed.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EBADF) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
