// The cost of metrics and tracing on the SQLite drain, one JSON object per result line:
//   swift run -c release --package-path Benchmarks ObservabilityBenchmark [--jobs N] [--rounds N] [--each-alone]
//
// The drain of StoreBenchmark (N no-op jobs enqueued, then drained by one Worker with concurrency
// 256), alternately with observability off (no backend: the default) and on (a swift-prometheus
// registry with JobCore's buckets, and swift-distributed-tracing's InMemoryTracer recording every
// enqueue, claim and attempt span, with the trace context stored with each job), `--rounds`
// times each in the same process. Reports the median of each mode and the difference.
// The on rounds also render the registry once (what a scrape does) to check it is populated.
import CoreMetrics
import Foundation
import InMemoryTracing
@_spi(JobStoreImplementation) import JobCore
import JobCoreSQLite
import Prometheus
import Tracing

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
    return value
}

func emit(_ fields: [String: any Sendable]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

let jobs = option("--jobs", 20_000)
let rounds = option("--rounds", 5)
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jobcore-observability-benchmark-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

let handlers: JobHandlers = {
    var handlers = JobHandlers()
    handlers.register(kind: "noop") { _, _ in nil }
    return handlers
}()

enum Mode: String, CaseIterable {
    case off, metrics, tracing, tracingRing = "tracing_ring", on, onRing = "on_ring"
}

/// One drain; returns jobs per second.
func drain(round: Int, mode: Mode) async throws -> Double {
    let registry = PrometheusCollectorRegistry()
    let tracer = InMemoryTracer(recordInjections: false, recordExtractions: false)
    var factory = PrometheusMetricsFactory(registry: registry)
    factory.durationHistogramBuckets = MetricNames.durationBuckets
    factory.valueHistogramBuckets = MetricNames.valueBuckets
    let ring = RingBufferTracer()
    let metered = [.metrics, .on, .onRing].contains(mode)
    let traced = [.tracing, .on].contains(mode), ringTraced = [.tracingRing, .onRing].contains(mode)
    let observability = Observability(
        metricsFactory: metered ? factory : NOOPMetricsHandler.instance,
        tracer: traced ? tracer : ringTraced ? ring as any Tracer : NoOpTracer()
    )
    let store = try SQLiteJobStore(path: directory.appendingPathComponent("drain-\(round)-\(mode).sqlite").path)
    let queue = DurableJobQueue(store: store, observability: observability)
    for start in stride(from: 0, to: jobs, by: 5000) {
        _ = try await queue.enqueue((start..<min(jobs, start + 5000)).map { _ in NewJob(kind: "noop") })
    }
    var configuration = Worker.Configuration(
        concurrency: 256, keyLimit: 1, pollInterval: .milliseconds(50), drain: .whenNothingQueued, validateOnStart: false
    )
    configuration.observability = observability
    let worker = Worker(store: store, handlers: handlers, configuration: configuration)
    let start = ContinuousClock.now
    try await worker.run()
    let rate = Double(jobs) / (ContinuousClock.now - start).timeInterval
    let succeeded = try await store.count(JobFilter(states: [.succeeded]))
    precondition(succeeded == jobs, "drained \(succeeded) of \(jobs)")
    if metered {
        var text: [UInt8] = []
        registry.emit(into: &text)
        precondition(String(decoding: text, as: UTF8.self).contains("jobcore_jobs_ended_total"), "the registry has no job metrics")
    }
    if ringTraced {
        precondition(ring.finishedCount >= 2 * jobs, "recorded \(ring.finishedCount) spans for \(jobs) jobs")
    }
    if traced {
        let attempts = tracer.finishedSpans.filter { $0.operationName == "jobcore.attempt" }.count
        precondition(attempts == jobs, "recorded \(attempts) attempt spans of \(jobs)")
    }
    return rate
}

// --each-alone adds rounds with only metrics and only tracing, to tell their costs apart.
let modes: [Mode] = CommandLine.arguments.contains("--each-alone") ? Mode.allCases : [.off, .on, .onRing]
var rates: [Mode: [Double]] = [:]
for round in 0..<rounds {
    // Alternate the order, so that a trend in the machine's load hits every mode alike.
    for mode in round % 2 == 0 ? modes : modes.reversed() {
        rates[mode, default: []].append(try await drain(round: round, mode: mode))
    }
}
let off = rates[.off]!, on = rates[.on]!
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
let offMedian = median(off), onMedian = median(on)
emit(["name": "sqlite.drain.observability_off", "value": offMedian.rounded(), "unit": "jobs/s", "jobs": jobs, "rounds": off.map { $0.rounded() }])
emit(["name": "sqlite.drain.observability_on", "value": onMedian.rounded(), "unit": "jobs/s", "jobs": jobs, "rounds": on.map { $0.rounded() },
      "backend": "swift-prometheus registry + InMemoryTracer"])
emit(["name": "sqlite.drain.observability_cost", "value": ((offMedian - onMedian) / offMedian * 1000).rounded() / 10, "unit": "%"])
let ringMedian = median(rates[.onRing]!)
emit(["name": "sqlite.drain.observability_on_ring", "value": ringMedian.rounded(), "unit": "jobs/s", "jobs": jobs,
      "rounds": rates[.onRing]!.map { $0.rounded() }, "backend": "swift-prometheus registry + RingBufferTracer (W3C propagation)"])
emit(["name": "sqlite.drain.observability_cost_ring", "value": ((offMedian - ringMedian) / offMedian * 1000).rounded() / 10, "unit": "%"])
for mode in [Mode.metrics, .tracing, .tracingRing] {
    guard let values = rates[mode] else { continue }
    emit(["name": "sqlite.drain.\(mode.rawValue)_only", "value": median(values).rounded(), "unit": "jobs/s", "jobs": jobs,
          "rounds": values.map { $0.rounded() }])
}
