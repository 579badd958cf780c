import Foundation

/// Exponential back-off with jitter between attempts of a failed job.
///
/// The delay before attempt `n + 1` is `base × multiplier^(n − 1)`, capped at `maximum`, then
/// scaled by a random factor in `1 ± jitter` so that jobs failing together do not retry together.
public struct RetryPolicy: Sendable, Hashable {
    /// The delay after the first failure. Defaults to 1 second.
    public var base: Duration
    /// The growth per attempt. Defaults to 2.
    public var multiplier: Double
    /// The longest delay. Defaults to 1 hour.
    public var maximum: Duration
    /// The random spread, as a fraction of the delay (0 = none). Defaults to 0.2.
    public var jitter: Double

    /// Creates a policy; every parameter has the documented default.
    public init(base: Duration = .seconds(1), multiplier: Double = 2, maximum: Duration = .seconds(3600), jitter: Double = 0.2) {
        self.base = base
        self.multiplier = multiplier
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay after a failed attempt.
    /// - Parameters:
    ///   - attempt: the attempt that failed, 1-based.
    ///   - random: a number in `0..<1`; the default draws one.
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0..<1)) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let raw = base.timeInterval * Foundation.pow(multiplier, exponent)
        let capped = min(raw, maximum.timeInterval)
        let spread = 1 + jitter * (2 * random - 1)
        return .milliseconds(Int64((max(0, capped * spread) * 1000).rounded()))
    }
}
