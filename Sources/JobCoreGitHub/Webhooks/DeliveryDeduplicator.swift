import Crypto
public import Foundation
public import JobCore
import Synchronization

/// Remembers recently seen webhook delivery ids (`X-GitHub-Delivery`) in bounded memory, so that
/// a delivery sent twice — a redelivery, a retry after a timeout — is acted on once.
///
/// It keeps at most ``capacity`` ids, forgetting the oldest first, and, with a ``window``, forgets
/// ids older than that. Each id is kept as its SHA-256 fingerprint, so memory does not depend on
/// how long the ids are: about 100 bytes per id. All methods are safe to call from any task.
///
/// <!-- sample: context=webhook-request -->
/// ```swift
/// let deliveries = DeliveryDeduplicator(capacity: 10_000)
/// if deliveries.insert(deliveryID) {                          // false: seen before, nothing to do
///     do { try await enqueue(deliveryID) } catch { deliveries.remove(deliveryID); throw error }
/// }
/// ```
///
/// Memory is per process: deliveries that may reach several processes need a shared record
/// instead — for example an idempotency key on the job they enqueue (`JobOptions.idempotencyKey`).
public final class DeliveryDeduplicator: Sendable {
    /// The most ids remembered at once.
    public let capacity: Int
    /// How long an id is remembered; `nil` means until ``capacity`` pushes it out.
    public let window: Duration?
    private let clock: any WallClock
    private let state: Mutex<State>

    /// Creates an empty deduplicator.
    /// - Parameters:
    ///   - capacity: the most ids remembered at once (at least 1). Defaults to 10,000.
    ///   - window: how long an id is remembered. Defaults to `nil`: as long as capacity allows.
    ///   - clock: the source of time for the window. Defaults to the system clock.
    public init(capacity: Int = 10_000, window: Duration? = nil, clock: any WallClock = SystemClock()) {
        precondition(capacity >= 1, "DeliveryDeduplicator needs a capacity of at least 1")
        self.capacity = capacity
        self.window = window
        self.clock = clock
        self.state = Mutex(State(capacity: capacity))
    }

    /// Records `deliveryID` and says whether it is new.
    /// - Returns: `true` the first time the id is seen (while remembered), `false` for a repeat.
    @discardableResult
    public func insert(_ deliveryID: String) -> Bool {
        let fingerprint = Fingerprint(deliveryID)
        let now = clock.now
        return state.withLock { state in
            state.expire(before: expiry(now))
            guard state.serials[fingerprint] == nil else { return false }
            state.append(fingerprint, at: now)
            return true
        }
    }

    /// Whether `deliveryID` is remembered.
    public func contains(_ deliveryID: String) -> Bool {
        let fingerprint = Fingerprint(deliveryID)
        let now = clock.now
        return state.withLock { state in
            state.expire(before: expiry(now))
            return state.serials[fingerprint] != nil
        }
    }

    /// Forgets `deliveryID`, so that the next delivery with it is treated as new — after the work
    /// it should have started could not be started.
    /// - Returns: whether the id was remembered.
    @discardableResult
    public func remove(_ deliveryID: String) -> Bool {
        let fingerprint = Fingerprint(deliveryID)
        return state.withLock { $0.serials.removeValue(forKey: fingerprint) != nil }
    }

    /// The number of ids remembered now.
    public var count: Int {
        let now = clock.now
        return state.withLock { state in
            state.expire(before: expiry(now))
            return state.serials.count
        }
    }

    private func expiry(_ now: Date) -> Date? {
        window.map { now.adding(.zero - $0) }
    }

    /// A delivery id's SHA-256, as four words.
    struct Fingerprint: Hashable {
        let words: (UInt64, UInt64, UInt64, UInt64)

        init(_ id: String) {
            let digest = Array(SHA256.hash(data: Array(id.utf8)))
            func word(_ start: Int) -> UInt64 {
                digest[start..<start + 8].reduce(0) { $0 << 8 | UInt64($1) }
            }
            words = (word(0), word(8), word(16), word(24))
        }

        static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.words == rhs.words
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
        }
    }

    /// A ring of the remembered ids in arrival order, and an index from id to its arrival.
    struct State {
        struct Entry {
            var fingerprint: Fingerprint
            var serial: UInt64
            var seenAt: Date
        }

        let capacity: Int
        /// Arrivals in a circular buffer, oldest at `head`; grows up to `capacity` slots.
        var slots: [Entry] = []
        var head = 0
        var ringCount = 0
        /// The arrival serial of every remembered id. An entry of the ring whose id was removed
        /// (or re-inserted since) no longer matches and is skipped when it leaves the ring.
        var serials: [Fingerprint: UInt64] = [:]
        var nextSerial: UInt64 = 0

        init(capacity: Int) {
            self.capacity = capacity
        }

        mutating func append(_ fingerprint: Fingerprint, at date: Date) {
            if ringCount == capacity { dropOldest() }
            nextSerial += 1
            let entry = Entry(fingerprint: fingerprint, serial: nextSerial, seenAt: date)
            // Until the buffer has all its slots, head + ringCount == slots.count: append.
            let index = (head + ringCount) % capacity
            if index == slots.count { slots.append(entry) } else { slots[index] = entry }
            ringCount += 1
            serials[fingerprint] = nextSerial
        }

        /// Drops the oldest arrivals seen at or before `date`.
        mutating func expire(before date: Date?) {
            guard let date else { return }
            while ringCount > 0, slots[head].seenAt <= date { dropOldest() }
        }

        private mutating func dropOldest() {
            forget(slots[head])
            head = (head + 1) % capacity
            ringCount -= 1
        }

        private mutating func forget(_ entry: Entry) {
            if serials[entry.fingerprint] == entry.serial { serials[entry.fingerprint] = nil }
        }
    }
}
