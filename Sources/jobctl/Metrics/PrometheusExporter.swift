import CoreMetrics
import JobCore
import Prometheus

/// The process's Prometheus registry, bootstrapped as the swift-metrics backend with JobCore's
/// histogram buckets (`MetricNames`). `render()` is what `/metrics` serves.
struct PrometheusExporter: Sendable {
    let registry: PrometheusCollectorRegistry

    /// Creates a registry and makes it the process's metrics backend. Call once per process.
    static func bootstrap() -> PrometheusExporter {
        let exporter = PrometheusExporter(registry: PrometheusCollectorRegistry())
        MetricsSystem.bootstrap(exporter.factory)
        return exporter
    }

    /// A swift-metrics factory recording into the registry with JobCore's buckets.
    var factory: PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = MetricNames.durationBuckets
        factory.valueHistogramBuckets = MetricNames.valueBuckets
        return factory
    }

    /// The registry's metrics in the Prometheus text format.
    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }
}
