public import CoreMetrics
public import Tracing

/// Where JobCore's metrics and spans go: a swift-metrics factory and a swift-distributed-tracing
/// tracer.
///
/// Each defaults to `nil`: the process-wide backend bootstrapped with `MetricsSystem.bootstrap`
/// and `InstrumentationSystem.bootstrap` (none by default). Pass explicit ones to keep a
/// component's metrics or spans apart, as tests do. With no backend, metrics and spans cost a
/// type check: JobCore takes no timestamps and creates no spans. See docs/metrics.md.
public struct Observability: Sendable {
    /// The metrics factory; `nil` for `MetricsSystem.factory`.
    public var metricsFactory: (any MetricsFactory)?
    /// The tracer; `nil` for `InstrumentationSystem.tracer`.
    public var tracer: (any Tracer)?

    /// Creates a choice of backends; `nil` means the bootstrapped one.
    public init(metricsFactory: (any MetricsFactory)? = nil, tracer: (any Tracer)? = nil) {
        self.metricsFactory = metricsFactory
        self.tracer = tracer
    }

    /// The metrics factory in use, or `nil` when it records nothing.
    var activeMetricsFactory: (any MetricsFactory)? {
        let factory = metricsFactory ?? MetricsSystem.factory
        return factory is NOOPMetricsHandler ? nil : factory
    }

    /// The tracer in use, or `nil` when it records nothing.
    var activeTracer: (any Tracer)? {
        let tracer = tracer ?? InstrumentationSystem.tracer
        return tracer is NoOpTracer ? nil : tracer
    }
}
