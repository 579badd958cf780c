import CoreMetrics
import Synchronization

/// Instruments created once per label values, so that recording costs a dictionary look-up
/// rather than a registration with the backend.
final class MetricCache<Key: Hashable & Sendable, Metric: Sendable>: Sendable {
    private let storage = Mutex<[Key: Metric]>([:])
    private let make: @Sendable (Key) -> Metric

    init(_ make: @escaping @Sendable (Key) -> Metric) {
        self.make = make
    }

    subscript(_ key: Key) -> Metric {
        storage.withLock { storage in
            if let metric = storage[key] { return metric }
            let metric = make(key)
            storage[key] = metric
            return metric
        }
    }
}

extension Duration {
    /// Whole nanoseconds, for `Timer.recordNanoseconds`.
    var metricNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }
}

extension CoreMetrics.Timer {
    /// Records a duration; negative ones (a clock that stepped back) count as zero.
    func recordDuration(_ duration: Duration) {
        recordNanoseconds(max(0, duration.metricNanoseconds))
    }
}
