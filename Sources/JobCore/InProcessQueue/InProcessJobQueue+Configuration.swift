public import CoreMetrics

extension InProcessJobQueue {
    /// The settings of an ``InProcessJobQueue``.
    public struct Configuration: Sendable {
        /// The most operations running at once across every key. Defaults to 64.
        public var globalLimit: Int = 64

        /// The most operations running at once under one key, unless ``keyLimits`` says
        /// otherwise. Defaults to 1: one job at a time per key.
        public var defaultKeyLimit: Int = 1

        /// Per-key overrides of ``defaultKeyLimit``, by concurrency key. Defaults to none.
        public var keyLimits: [String: Int] = [:]

        /// The most jobs waiting (accepted, not yet running) across every key. A job that can
        /// start at once does not count. Defaults to 10,000.
        public var capacity: Int = 10_000

        /// What `enqueue` does when ``capacity`` jobs are already waiting. Defaults to
        /// ``OverflowPolicy/failFast``.
        public var overflowPolicy: OverflowPolicy = .failFast

        /// How many finished results are remembered for idempotency keys; the oldest is
        /// forgotten first. Jobs that are waiting or running are always remembered.
        /// Defaults to 10,000.
        public var idempotencyMemory: Int = 10_000

        /// The timeout of a job whose `enqueue` passes none; `nil` means no timeout.
        /// Defaults to `nil`.
        public var defaultTimeout: Duration? = nil

        /// How long running jobs may go on after a graceful shutdown starts before they are
        /// cancelled. Defaults to 30 seconds.
        public var shutdownGracePeriod: Duration = .seconds(30)

        /// The first part of every metric label, for example `jobcore_queue_enqueued_total`.
        /// Defaults to `"jobcore_queue"`.
        public var metricsLabelPrefix: String = "jobcore_queue"

        /// Dimensions added to every metric, for example `[("queue", "webhooks")]`.
        /// Defaults to none.
        public var metricsDimensions: [(String, String)] = []

        /// The metrics backend; `nil` uses the one bootstrapped in `MetricsSystem`.
        /// Defaults to `nil`.
        public var metricsFactory: (any MetricsFactory)? = nil

        /// Creates a configuration with every setting at its default.
        public init() {}

        /// The limit of `key`: its override, else ``defaultKeyLimit``.
        /// - Parameter key: a concurrency key.
        public func limit(forKey key: String) -> Int {
            keyLimits[key] ?? defaultKeyLimit
        }
    }

    /// What `enqueue` does when the queue already holds its capacity of waiting jobs.
    public struct OverflowPolicy: Sendable, Hashable, CustomStringConvertible {
        /// How long a caller waits for room; zero for fail-fast.
        public let maximumWait: Duration

        private init(maximumWait: Duration) { self.maximumWait = maximumWait }

        /// Throw ``JobQueueError/Code/full`` at once.
        public static let failFast = OverflowPolicy(maximumWait: .zero)

        /// Wait, in FIFO order with other waiting callers, until there is room; throw
        /// ``JobQueueError/Code/full`` if there is none after `duration`.
        /// - Parameter duration: the longest a caller waits for room.
        public static func wait(upTo duration: Duration) -> OverflowPolicy {
            OverflowPolicy(maximumWait: max(duration, .zero))
        }

        public var description: String {
            maximumWait == .zero ? "failFast" : "wait(upTo: \(maximumWait))"
        }
    }
}
