import Foundation
@_spi(JobStoreImplementation) import JobCore
@testable import JobCorePostgres
import PostgresNIO
import Testing

/// On PostgreSQL, leases, run-at and timestamps follow the server's clock, so a machine whose
/// own clock is wrong cannot expire another's lease early (issue 17, item 6).
@Suite(.timeLimit(.minutes(2))) struct PostgresServerClockTests {
    /// The local clock of a machine that is `skew` off.
    struct SkewedClock: WallClock {
        let skew: Duration
        var now: Date { Date().adding(skew) }
        func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
    }

    /// How far a time stamped by a store may be from the server's clock read around it: the
    /// round trips of a test machine shared with builds, not the clock's real error.
    static let tolerance: TimeInterval = 2

    static func serverNow(_ client: PostgresClient) async throws -> Date {
        var micros: Int64 = 0
        for try await value in try await client.query("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::int8").decode(Int64.self) {
            micros = value
        }
        return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    /// A second store on the same client and schema, with its own clock.
    static func peer(of store: PostgresJobStore, clock: any WallClock) -> PostgresJobStore {
        PostgresJobStore(client: store.client, configuration: store.configuration, clock: clock, logger: TestPostgres.logger)
    }

    @Test func aStoreOnASkewedMachineStampsTheServersTime() async throws {
        let clock = PostgresServerClock(local: SkewedClock(skew: .seconds(3600)))
        try await TestPostgres.withStore(clock: clock, configuration: .init(listen: false), run: false) { store in
            let before = try await Self.serverNow(store.client)
            let job = try await store.enqueue(NewJob(kind: "k")).job
            let claimed = try #require(try await store.claim(ClaimRequest(workerID: "w", lease: .seconds(30))).first)
            let after = try await Self.serverNow(store.client)
            for (name, time) in [("createdAt", job.createdAt), ("runAt", job.runAt), ("startedAt", claimed.startedAt ?? .distantPast)] {
                #expect(time >= before.addingTimeInterval(-Self.tolerance) && time <= after.addingTimeInterval(Self.tolerance), "\(name) \(time) not in \(before)…\(after)")
            }
            let expiry = try #require(claimed.leaseExpiresAt)
            // The claim happened between the two readings of the server's clock.
            #expect(expiry >= before.addingTimeInterval(30 - Self.tolerance) && expiry <= after.addingTimeInterval(30 + Self.tolerance),
                    "the lease runs 30 s of the server's time: \(expiry) not in \(before)…\(after) + 30 s")
            let estimate = try #require(clock.estimate)
            // The estimate is off by at most its uncertainty (half its round trip).
            #expect(abs(estimate.offset.timeInterval + 3600) < max(Self.tolerance, estimate.uncertainty.timeInterval + 0.1), "offset \(estimate.offset)")
            #expect(estimate.uncertainty <= estimate.roundTrip / 2 + .milliseconds(100))
        }
    }

    @Test func aLeaseTakenOnAMachineBehindByAnHourIsNotReapedEarly() async throws {
        try await TestPostgres.withStore(clock: PostgresServerClock(), configuration: .init(listen: false), run: false) { store in
            // The reaper: a correct clock.
            let reaper = store
            let behind = Self.peer(of: store, clock: PostgresServerClock(local: SkewedClock(skew: .seconds(-3600))))
            _ = try await reaper.enqueue(NewJob(kind: "a"))
            let taken = try await behind.claim(ClaimRequest(workerID: "behind", lease: .seconds(30)))
            #expect(taken.count == 1)
            #expect(try await reaper.reapExpiredLeases(limit: 10).isEmpty, "the lease has 30 s of the server's time left")

            // The same machine with its own clock (an injected clock is used as it is): its lease
            // expired an hour ago by everyone else's clock. This is what the server's clock prevents.
            let local = Self.peer(of: store, clock: SkewedClock(skew: .seconds(-3600)))
            _ = try await local.enqueue(NewJob(kind: "b"))
            let early = try await local.claim(ClaimRequest(workerID: "behind-local", lease: .seconds(30)))
            #expect(early.count == 1)
            #expect(try await reaper.reapExpiredLeases(limit: 10).map(\.id) == early.map(\.id))
        }
    }

    @Test func aReaperAheadByAnHourDoesNotReapAnothersLeaseAndItsJobsAreDueAtOnce() async throws {
        try await TestPostgres.withStore(clock: PostgresServerClock(), configuration: .init(listen: false), run: false) { store in
            let ahead = Self.peer(of: store, clock: PostgresServerClock(local: SkewedClock(skew: .seconds(3600))))
            _ = try await store.enqueue(NewJob(kind: "a"))
            #expect(try await store.claim(ClaimRequest(workerID: "correct", lease: .seconds(30))).count == 1)
            #expect(try await ahead.reapExpiredLeases(limit: 10).isEmpty)
            // A job the fast machine enqueues to run now is due now for everyone, not in an hour.
            let job = try await ahead.enqueue(NewJob(kind: "now")).job
            #expect(try await store.claim(ClaimRequest(workerID: "correct")).map(\.id) == [job.id])
        }
    }

    /// The sample kept is the one with the smallest error bound: a slower round trip does not
    /// replace a recent faster one; it does once the kept sample has aged (drift) past it, and
    /// at once when the local clock was stepped.
    @Test func theBestSampleIsKept() throws {
        let local = SkewedClock(skew: .zero)
        let clock = PostgresServerClock(local: local, maxDrift: 0.001)
        let start = ContinuousClock.now
        // Round trip 10 ms, server 5 s ahead.
        clock.record(server: local.now.addingTimeInterval(5.005), localBefore: local.now, start: start, roundTrip: .milliseconds(10))
        #expect(abs(try #require(clock.estimate).offset.timeInterval - 5) < 0.01)
        // A slower sample right after, claiming another offset: ignored.
        clock.record(server: local.now.addingTimeInterval(7.05), localBefore: local.now, start: ContinuousClock.now, roundTrip: .milliseconds(100))
        #expect(abs(try #require(clock.estimate).offset.timeInterval - 5) < 0.01)
        #expect(try #require(clock.estimate).roundTrip == .milliseconds(10))
        // A faster one: kept.
        clock.record(server: local.now.addingTimeInterval(6.001), localBefore: local.now, start: ContinuousClock.now, roundTrip: .milliseconds(2))
        #expect(abs(try #require(clock.estimate).offset.timeInterval - 6) < 0.01)
        #expect(abs(clock.now.timeIntervalSince(Date()) - 6) < 0.5)
    }
}
