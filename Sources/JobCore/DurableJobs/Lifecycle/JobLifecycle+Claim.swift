public import Foundation

extension JobLifecycle {
    /// A queued job's place in claim order: higher priority first, then earlier run-at, then id.
    /// Every store claims in this order; SQL stores sort with ``sql(_:)``, which says the same.
    public struct ClaimOrder: Comparable, Hashable, Sendable {
        /// Higher first.
        public var priority: Int
        /// Earlier first.
        public var runAt: Date
        /// Lower (older) first.
        public var id: JobID

        /// The place of a job with these values.
        public init(priority: Int, runAt: Date, id: JobID) {
            self.priority = priority
            self.runAt = runAt
            self.id = id
        }

        /// The place of a queued job.
        public init(_ record: JobRecord) {
            self.init(priority: record.priority, runAt: record.runAt, id: record.id)
        }

        public static func < (lhs: ClaimOrder, rhs: ClaimOrder) -> Bool {
            if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
            if lhs.runAt != rhs.runAt { return lhs.runAt < rhs.runAt }
            return lhs.id < rhs.id
        }

        /// The claim order as an SQL `ORDER BY` list over the columns `priority`, `run_at` and
        /// `id`, qualified with `alias` when given (`j` gives `j.priority DESC, j.run_at, j.id`).
        public static func sql(_ alias: String? = nil) -> String {
            let prefix = alias.map { "\($0)." } ?? ""
            return "\(prefix)priority DESC, \(prefix)run_at, \(prefix)id"
        }
    }

    /// How many queued jobs a claim examines in claim order by default before it stops looking
    /// past keys at their limit (see ``claimScanBound(limit:base:)``).
    public static let claimScanBase = 64

    /// How many queued jobs a claim for up to `limit` jobs examines in claim order before it
    /// returns what it found (or, having found nothing, looks at each key's head instead):
    /// `base` plus twice the limit.
    public static func claimScanBound(limit: Int, base: Int = claimScanBase) -> Int {
        base + 2 * max(0, limit)
    }

    /// The decisions of one claim as it walks due queued jobs in claim order: which jobs it
    /// takes (wanted kind, key below the request's limit counting the jobs it took already), and
    /// when it stops (its limit is reached, or it examined ``claimScanBound(limit:base:)`` jobs
    /// and took at least one; finding the first one late extends the walk by as much again).
    public struct ClaimScan: Sendable {
        /// The claim.
        public let request: ClaimRequest
        /// How many jobs it took so far.
        public private(set) var taken = 0
        /// How many jobs it examined so far.
        public private(set) var examined = 0
        private let base: Int
        private var bound: Int
        private var takenByKey: [String: Int] = [:]

        /// Starts a claim's walk.
        /// - Parameters:
        ///   - request: the claim.
        ///   - base: jobs examined beyond twice the limit. Defaults to ``claimScanBase``.
        public init(_ request: ClaimRequest, base: Int = JobLifecycle.claimScanBase) {
            self.request = request
            self.base = base
            self.bound = JobLifecycle.claimScanBound(limit: request.limit, base: base)
        }

        /// Examines the next due queued job of the request's queue, in claim order.
        /// - Parameters:
        ///   - kind: the job's kind.
        ///   - key: the job's concurrency key.
        ///   - running: the number of running jobs of a key, as the store counts them.
        /// - Returns: whether the claim takes the job.
        public mutating func take(kind: String, key: String?, running: (String) throws -> Int) rethrows -> Bool {
            examined += 1
            guard request.kinds?.contains(kind) ?? true else { return false }
            if let key {
                guard try running(key) + takenByKey[key, default: 0] < request.keyLimit else { return false }
                takenByKey[key, default: 0] += 1
            }
            taken += 1
            if taken == 1 { bound = max(bound, examined + JobLifecycle.claimScanBound(limit: request.limit, base: base)) }
            return true
        }

        /// Whether the claim took as many jobs as it may.
        public var isFull: Bool { taken >= request.limit }

        /// Whether the walk examined as many jobs as it should.
        public var reachedBound: Bool { examined >= bound }

        /// Whether the walk should stop: full, or at its bound with something taken. A walk at
        /// its bound with nothing taken met only busy keys: a store either walks on or visits
        /// each key's head instead, so that a claim never returns nothing while a job is eligible.
        public var isDone: Bool { isFull || (reachedBound && taken > 0) }
    }
}
