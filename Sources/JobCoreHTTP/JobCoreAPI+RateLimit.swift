public import JobCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

extension JobCoreAPI {
    /// A per-client rate limit (``Configuration/rateLimit``): a token bucket for each client that
    /// refills at ``requestsPerSecond`` and holds at most ``burst`` requests.
    ///
    /// A client is its access token when the request authenticates, its remote address otherwise
    /// (IPv6 addresses by their /64 network, which one host usually has whole). A request is
    /// counted once, when it starts: a long-lived stream is one request. Over the limit the API
    /// answers 429 (`rateLimited`) with `Retry-After`, the whole seconds until the next request
    /// is allowed.
    public struct RateLimit: Sendable {
        /// How many requests per second a client may make on average. Must be positive.
        public var requestsPerSecond: Double
        /// How many requests a client may make at once after being idle (the bucket's size; at
        /// least 1). Defaults to one second's worth of ``requestsPerSecond``, at least 1.
        public var burst: Int
        /// Where the time comes from. Defaults to the system clock; tests use a manual one.
        public var clock: any WallClock

        /// Creates a limit.
        /// - Parameters:
        ///   - requestsPerSecond: the average rate allowed per client; must be positive.
        ///   - burst: the most requests at once. Defaults to `requestsPerSecond` rounded up, at least 1.
        ///   - clock: the source of time. Defaults to the system clock.
        public init(requestsPerSecond: Double, burst: Int? = nil, clock: any WallClock = SystemClock()) {
            precondition(requestsPerSecond > 0 && requestsPerSecond.isFinite, "a rate limit needs a positive rate")
            self.requestsPerSecond = requestsPerSecond
            self.burst = max(1, burst ?? Int(requestsPerSecond.rounded(.up)))
            self.clock = clock
        }
    }

    /// Authenticates the request when the route needs it, then counts it against its client's
    /// budget: the token's when it authenticated, the remote address's otherwise (a refused
    /// token too). Returns the logger of the request.
    func admit(
        _ request: Request, remoteAddress: SocketAddress?, scope: AccessScope, tokens: (any AccessTokenStore)?, logger: Logger
    ) async throws -> Logger {
        var logger = logger
        var client = RateLimiter.client(address: remoteAddress)
        if let tokens {
            do {
                let token = try await Self.authorize(request, scope: scope, tokens: tokens)
                logger[metadataKey: "token.name"] = "\(token.name)"
                client = "token \(token.id)"
            } catch {
                try rateLimiter?.admit(client)
                throw error
            }
        }
        try rateLimiter?.admit(client)
        return logger
    }
}

/// The token buckets of ``JobCoreAPI/RateLimit``, one per client, in bounded memory: a client
/// whose bucket has refilled is forgotten (it would start full anyway).
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
        /// The order of the client's last request, which decides who is kept when memory is short.
        var serial: UInt64
    }

    private struct State {
        var buckets: [String: Bucket] = [:]
        var serial: UInt64 = 0
        /// The size at which full buckets are next swept out.
        var sweepAt = 1024
    }

    let limit: JobCoreAPI.RateLimit
    /// The most clients remembered: when the full buckets are swept out and more than three
    /// quarters of it remain, only the most recently seen half is kept.
    let capacity: Int
    private let state = Mutex(State())

    init(_ limit: JobCoreAPI.RateLimit, capacity: Int = 100_000) {
        self.limit = limit
        self.capacity = capacity
    }

    /// Takes one request from `client`'s bucket.
    /// - Throws: ``APIError`` 429 `rateLimited` with `Retry-After` when the bucket is empty.
    func admit(_ client: String) throws(APIError) {
        let now = limit.clock.now
        let rate = limit.requestsPerSecond, burst = Double(limit.burst)
        let wait: Double? = state.withLock { state in
            state.serial += 1
            var bucket = state.buckets[client] ?? Bucket(tokens: burst, updated: now, serial: 0)
            bucket.serial = state.serial
            let elapsed = max(0, now.timeIntervalSince(bucket.updated))
            bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
            bucket.updated = now
            let wait: Double? = bucket.tokens >= 1 ? nil : (1 - bucket.tokens) / rate
            if wait == nil { bucket.tokens -= 1 }
            state.buckets[client] = bucket
            if state.buckets.count >= state.sweepAt { sweep(&state, now: now) }
            return wait
        }
        guard let wait else { return }
        let seconds = max(1, Int(wait.rounded(.up)))
        throw APIError(
            .tooManyRequests, code: "rateLimited",
            "too many requests: this client may make \(Self.format(rate)) per second (bursts of \(limit.burst)); retry in \(seconds) s",
            headers: [.retryAfter: "\(seconds)"]
        )
    }

    /// The number of clients remembered.
    var count: Int { state.withLock { $0.buckets.count } }

    /// Whether `client` has a bucket (for tests).
    func remembers(_ client: String) -> Bool { state.withLock { $0.buckets[client] != nil } }

    /// Forgets the buckets that are full by `now`, and the least recently seen half when that
    /// is not enough to stay under the capacity.
    private func sweep(_ state: inout State, now: Date) {
        let rate = limit.requestsPerSecond, burst = Double(limit.burst)
        state.buckets = state.buckets.filter { _, bucket in
            bucket.tokens + max(0, now.timeIntervalSince(bucket.updated)) * rate < burst
        }
        if state.buckets.count > capacity * 3 / 4 {
            let recent = state.buckets.sorted { $0.value.serial > $1.value.serial }.prefix(capacity / 2)
            state.buckets = Dictionary(uniqueKeysWithValues: recent.map { ($0.key, $0.value) })
        }
        state.sweepAt = min(capacity, max(1024, state.buckets.count * 2))
    }

    /// The client of an unauthenticated request: its IP address, an IPv6 address by its /64.
    static func client(address: SocketAddress?) -> String {
        switch address {
        case .v4?:
            return "ip \(address?.ipAddress ?? "?")"
        case .v6(let address)?:
            var raw = address.address.sin6_addr
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
                return "ip " + bytes[12...].map(String.init).joined(separator: ".")  // IPv4-mapped
            }
            return "ip " + stride(from: 0, to: 8, by: 2).map { String(format: "%02x%02x", bytes[$0], bytes[$0 + 1]) }.joined(separator: ":") + "::/64"
        case .unixDomainSocket?:
            return "unix"
        case nil:
            return "unknown"
        }
    }

    private static func format(_ rate: Double) -> String {
        rate == rate.rounded() ? String(Int(rate)) : String(format: "%g", rate)
    }
}
