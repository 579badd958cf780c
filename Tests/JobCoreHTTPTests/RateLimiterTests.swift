import Foundation
@testable import JobCoreHTTP
import JobCoreTesting
import NIOCore
import Testing

/// The rate limiter's bookkeeping: how clients are named, and memory bounded however many
/// addresses come.
@Suite struct RateLimiterTests {
    @Test func clientsAreAddressesAndIPv6Networks() throws {
        #expect(RateLimiter.client(address: try SocketAddress(ipAddress: "192.0.2.7", port: 1234)) == "ip 192.0.2.7")
        let first = RateLimiter.client(address: try SocketAddress(ipAddress: "2001:db8:1:2::1", port: 1))
        let sameNetwork = RateLimiter.client(address: try SocketAddress(ipAddress: "2001:db8:1:2:ffff::9", port: 2))
        let otherNetwork = RateLimiter.client(address: try SocketAddress(ipAddress: "2001:db8:1:3::1", port: 1))
        #expect(first == "ip 2001:0db8:0001:0002::/64")
        #expect(first == sameNetwork)
        #expect(first != otherNetwork)
        #expect(RateLimiter.client(address: try SocketAddress(ipAddress: "::ffff:192.0.2.7", port: 1)) == "ip 192.0.2.7")
        #expect(RateLimiter.client(address: nil) == "unknown")
    }

    @Test func memoryStaysBoundedAndFullBucketsAreForgotten() throws {
        let clock = ManualClock()
        let limiter = RateLimiter(JobCoreAPI.RateLimit(requestsPerSecond: 1, burst: 2, clock: clock), capacity: 4000)
        for index in 0..<20_000 { try limiter.admit("client \(index)") }
        #expect(limiter.count <= 4000)
        // The most recent clients are remembered: one more request each is allowed, then none.
        #expect(limiter.remembers("client 19999"))
        try limiter.admit("client 19999")
        #expect(throws: APIError.self) { try limiter.admit("client 19999") }
        // Once every bucket has refilled, the next sweep forgets them: new clients come until
        // one happens (the count drops), bounded by the capacity.
        clock.advance(by: .seconds(10))
        var previous = limiter.count
        for index in 0..<4000 {
            try limiter.admit("later \(index)")
            if limiter.count < previous { break }
            previous = limiter.count
        }
        #expect(limiter.count < previous, "a sweep happened")
        #expect(!limiter.remembers("client 19999"))
        #expect(!limiter.remembers("client 0"))
    }
}
