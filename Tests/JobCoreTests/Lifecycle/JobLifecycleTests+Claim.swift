import Foundation
@_spi(JobStoreImplementation) import JobCore
import Testing

/// The claim rules every store shares: the order, and which jobs a claim's walk takes and when
/// it stops.
extension JobLifecycleTests {
    static func place(_ priority: Int, _ seconds: Double, _ id: String) -> JobLifecycle.ClaimOrder {
        JobLifecycle.ClaimOrder(priority: priority, runAt: start.addingTimeInterval(seconds), id: JobID(id))
    }

    @Test(arguments: [
        (place(1, 0, "B"), place(0, 0, "A"), true),    // higher priority first
        (place(0, 0, "B"), place(1, 0, "A"), false),
        (place(-1, 0, "A"), place(0, 9, "B"), false),  // negative priority last
        (place(0, 1, "B"), place(0, 2, "A"), true),    // then earlier run-at
        (place(0, 2, "A"), place(0, 1, "B"), false),
        (place(0, 1, "A"), place(0, 1, "B"), true),    // then lower id
        (place(0, 1, "B"), place(0, 1, "A"), false),
        (place(0, 1, "A"), place(0, 1, "A"), false),   // a place is not before itself
    ])
    func claimOrder(_ first: JobLifecycle.ClaimOrder, _ second: JobLifecycle.ClaimOrder, _ firstIsClaimedFirst: Bool) {
        #expect((first < second) == firstIsClaimedFirst)
    }

    @Test func claimOrderInSQL() {
        #expect(JobLifecycle.ClaimOrder.sql() == "priority DESC, run_at, id")
        #expect(JobLifecycle.ClaimOrder.sql("j") == "j.priority DESC, j.run_at, j.id")
        #expect(JobLifecycle.ClaimOrder(Self.job(.queued, runAt: Self.later)) == JobLifecycle.ClaimOrder(
            priority: 0, runAt: Self.later, id: Self.job(.queued).id))
    }

    @Test(arguments: [(0, 64), (1, 66), (10, 84), (-1, 64)])
    func claimScanBound(_ limit: Int, _ bound: Int) {
        #expect(JobLifecycle.claimScanBound(limit: limit) == bound)
        #expect(JobLifecycle.claimScanBound(limit: limit, base: 16) == bound - 48)
    }

    struct ScanRow: Sendable, CustomTestStringConvertible {
        var name: String
        var request: ClaimRequest
        /// Due queued jobs in claim order: kind and key.
        var jobs: [(kind: String, key: String?)]
        /// Running jobs per key, as the store counts them.
        var running: [String: Int] = [:]
        /// The positions of the jobs taken.
        var taken: [Int]
        /// How many jobs the walk examined before it stopped.
        var examined: Int
        /// Whether it stopped at its bound with nothing taken (then a store visits each key's head).
        var metOnlyBusyKeys = false
        var testDescription: String { name }
    }

    static func claim(limit: Int, keyLimit: Int = 1, kinds: Set<String>? = nil) -> ClaimRequest {
        ClaimRequest(workerID: "w", limit: limit, keyLimit: keyLimit, kinds: kinds)
    }

    static func keyed(_ key: String?, _ count: Int, kind: String = "k") -> [(kind: String, key: String?)] {
        Array(repeating: (kind, key), count: count)
    }

    static let scanRows: [ScanRow] = [
        ScanRow(name: "keyless jobs up to the limit", request: claim(limit: 2), jobs: keyed(nil, 3), taken: [0, 1], examined: 2),
        ScanRow(name: "one per key", request: claim(limit: 5), jobs: keyed("A", 2) + keyed("B", 1), taken: [0, 2], examined: 3),
        ScanRow(name: "a key at its limit", request: claim(limit: 5), jobs: keyed("A", 1) + keyed("B", 1),
                running: ["A": 1], taken: [1], examined: 2),
        ScanRow(name: "a higher key limit", request: claim(limit: 5, keyLimit: 2), jobs: keyed("A", 3),
                running: ["A": 1], taken: [0], examined: 3),
        ScanRow(name: "only wanted kinds", request: claim(limit: 5, kinds: ["build"]),
                jobs: keyed(nil, 1, kind: "mail") + keyed(nil, 1, kind: "build"), taken: [1], examined: 2),
        // Past its bound with nothing taken the walk is not done: the store walks on (memory)
        // or visits each key's head instead (SQL stores).
        ScanRow(name: "only busy keys", request: claim(limit: 1), jobs: keyed("A", 100),
                running: ["A": 1], taken: [], examined: 100, metOnlyBusyKeys: true),
        ScanRow(name: "only busy keys, short of the bound", request: claim(limit: 1), jobs: keyed("A", 65),
                running: ["A": 1], taken: [], examined: 65),
        ScanRow(name: "a job found late extends the walk", request: claim(limit: 2),
                jobs: keyed("A", 65) + keyed("B", 1) + keyed("A", 100) + keyed("C", 1),
                running: ["A": 1], taken: [65], examined: 134),
        ScanRow(name: "a zero limit takes nothing", request: claim(limit: 0), jobs: keyed(nil, 3), taken: [], examined: 0),
    ]

    @Test(arguments: scanRows)
    func claimScan(_ row: ScanRow) {
        var scan = JobLifecycle.ClaimScan(row.request)
        var taken: [Int] = []
        for (index, job) in row.jobs.enumerated() where !scan.isDone {
            if scan.take(kind: job.kind, key: job.key, running: { row.running[$0] ?? 0 }) { taken.append(index) }
        }
        #expect(taken == row.taken)
        #expect(scan.taken == taken.count)
        #expect(scan.examined == row.examined)
        #expect((scan.reachedBound && scan.taken == 0) == row.metOnlyBusyKeys)
    }
}
