// The cost of metrics and tracing on the SQLite drain, one JSON object per result line:
//   swift run -c release --package-path Benchmarks ObservabilityBenchmark [--jobs N] [--rounds N] [--each-alone | --modes A,B | --only MODE]
//
// The drain of StoreBenchmark (N no-op jobs enqueued, then drained by one Worker with its default
// configuration but concurrency 256), alternately with observability off (no backend: the
// default) and on, `--rounds` times each mode in the same process (the order alternates).
// Reports the median of each mode and its cost against off (also paired: the median of each
// round's ratio to that round's off drain), and the process's CPU time per job. The modes on:
//   on_otel          a swift-prometheus registry with JobCore's buckets, and swift-otel's SDK
//                    (OTelTracer, W3C propagation, its batch span processor with its defaults, the
//                    OTLP/HTTP protobuf exporter) recording every enqueue, claim and attempt span
//                    and exporting them to a collector stub on 127.0.0.1 (OTLPCollectorStub);
//   on_otel_sampled  the same with OpenTelemetry's parent-based trace-id-ratio sampler at 10 %
//                    (the enqueue decides, the worker's spans follow the stored traceparent);
//   on_ring          the registry and RingBufferTracer (an SDK-shaped tracer without export);
//   on               the registry and swift-distributed-tracing's InMemoryTracer (a test tool).
// --each-alone adds metrics only and each tracer alone. The metered rounds render the registry
// once (what a scrape does) to check it is populated; the traced ones check the spans arrived.
import CoreMetrics
import Foundation
import InMemoryTracing
@_spi(JobStoreImplementation) import JobCore
import JobCoreSQLite
import Logging
import OTel
import Prometheus
import ServiceLifecycle
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
    case off, metrics, tracing, tracingRing = "tracing_ring", otel, on, onRing = "on_ring", onOtel = "on_otel"
    case onOtelSampled = "on_otel_sampled"

    var metered: Bool { [.metrics, .on, .onRing, .onOtel, .onOtelSampled].contains(self) }

    enum Tracer { case none, inMemory, ring, otel(ratio: Double) }

    var tracer: Tracer {
        switch self {
        case .off, .metrics: .none
        case .tracing, .on: .inMemory
        case .tracingRing, .onRing: .ring
        case .otel, .onOtel: .otel(ratio: 1)
        case .onOtelSampled: .otel(ratio: 0.1)
        }
    }

    var backend: String {
        var parts: [String] = metered ? ["swift-prometheus registry"] : []
        switch tracer {
        case .none: break
        case .inMemory: parts.append("InMemoryTracer")
        case .ring: parts.append("RingBufferTracer (W3C propagation, no export)")
        case .otel(let ratio) where ratio == 1: parts.append("swift-otel SDK, every span exported over OTLP/HTTP")
        case .otel(let ratio): parts.append("swift-otel SDK, parent-based \(Int(ratio * 100)) % sampling, OTLP/HTTP")
        }
        return parts.isEmpty ? "none" : parts.joined(separator: " + ")
    }
}

/// swift-otel's tracer with its OTLP/HTTP exporter pointed at `collector`, and its services
/// (exporter, batch processor) running until `shutdown`.
struct OTelBackend {
    let tracer: any Tracer
    let services: Task<Void, any Error>
    let group: ServiceGroup

    init(ratio: Double, collector: OTLPCollectorStub) throws {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "observability-benchmark"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.traces.otlpExporter.endpoint = collector.endpoint
        configuration.traces.sampler = ratio == 1 ? .parentBasedAlwaysOn : .parentBasedTraceIDRatio(ratio: ratio)!
        configuration.diagnosticLogLevel = .error
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        tracer = backend.factory
        let group = ServiceGroup(services: [backend.service], logger: Logger(label: "otel"))
        self.group = group
        services = Task { try await group.run() }
    }

    /// Exports what is left and stops.
    func shutdown() async throws {
        await group.triggerGracefulShutdown()
        try await services.value
    }
}

struct TraceContextInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

/// A W3C `traceparent` of a new trace: random trace and span ids, and the sampled flag.
func traceparent(sampled: Bool) -> String {
    func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
    return "00-\(hex(.random(in: 1...UInt64.max)))\(hex(.random(in: 1...UInt64.max)))-\(hex(.random(in: 1...UInt64.max)))-\(sampled ? "01" : "00")"
}

/// The CPU time this process has used (user and system), in seconds.
func cpuSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// One drain; returns jobs per second and the process's CPU time per job (microseconds).
func drain(round: Int, mode: Mode, collector: OTLPCollectorStub) async throws -> (rate: Double, cpu: Double) {
    let registry = PrometheusCollectorRegistry()
    var factory = PrometheusMetricsFactory(registry: registry)
    factory.durationHistogramBuckets = MetricNames.durationBuckets
    factory.valueHistogramBuckets = MetricNames.valueBuckets
    let inMemory = InMemoryTracer(recordInjections: false, recordExtractions: false)
    let ring = RingBufferTracer()
    var otel: OTelBackend?
    let tracer: any Tracer
    switch mode.tracer {
    case .none: tracer = NoOpTracer()
    case .inMemory: tracer = inMemory
    case .ring: tracer = ring
    case .otel(let ratio):
        otel = try OTelBackend(ratio: ratio, collector: collector)
        tracer = otel!.tracer
    }
    let observability = Observability(metricsFactory: mode.metered ? factory : NOOPMetricsHandler.instance, tracer: tracer)
    let store = try SQLiteJobStore(path: directory.appendingPathComponent("drain-\(round)-\(mode).sqlite").path)
    let queue = DurableJobQueue(store: store, observability: observability)
    // Each job carries the trace context of a request of its own, as when a webhook handler in
    // another process enqueues it: a W3C traceparent whose sampled flag that process decided
    // (at the mode's ratio), so the worker's sampler follows it per job. The set-up's spans are
    // not this process's, so none is exported during the drain. (InMemoryTracer has a
    // propagation of its own: a span of its own per job.) The enqueue itself is batched.
    for start in stride(from: 0, to: jobs, by: 5000) {
        _ = try await queue.enqueue((start..<min(jobs, start + 5000)).map { _ in
            var job = NewJob(kind: "noop")
            switch mode.tracer {
            case .none: break
            case .inMemory:
                let request = tracer.startSpan("request", context: .topLevel, ofKind: .server)
                tracer.inject(request.context, into: &job.traceContext, using: TraceContextInjector())
                request.end()
            case .ring: job.traceContext = ["traceparent": traceparent(sampled: true)]
            case .otel(let ratio): job.traceContext = ["traceparent": traceparent(sampled: Double.random(in: 0..<1) < ratio)]
            }
            return job
        })
    }
    var configuration = Worker.Configuration(
        concurrency: 256, keyLimit: 1, pollInterval: .milliseconds(50), drain: .whenNothingQueued, validateOnStart: false
    )
    configuration.observability = observability
    let worker = Worker(store: store, handlers: handlers, configuration: configuration)
    let exported = collector.requests
    let start = ContinuousClock.now, cpuStart = cpuSeconds()
    try await worker.run()
    let rate = Double(jobs) / (ContinuousClock.now - start).timeInterval
    let cpu = (cpuSeconds() - cpuStart) / Double(jobs) * 1e6
    let succeeded = try await store.count(JobFilter(states: [.succeeded]))
    precondition(succeeded == jobs, "drained \(succeeded) of \(jobs)")
    if mode.metered {
        var text: [UInt8] = []
        registry.emit(into: &text)
        precondition(String(decoding: text, as: UTF8.self).contains("jobcore_jobs_ended_total"), "the registry has no job metrics")
    }
    switch mode.tracer {
    case .none: break
    case .ring: precondition(ring.finishedCount > jobs, "recorded \(ring.finishedCount) spans for \(jobs) jobs")
    case .inMemory:
        let attempts = inMemory.finishedSpans.filter { $0.operationName == "jobcore.attempt" }.count
        precondition(attempts == jobs, "recorded \(attempts) attempt spans of \(jobs)")
    case .otel:
        try await otel!.shutdown()
        precondition(collector.requests.requests > exported.requests, "swift-otel exported nothing")
    }
    return (rate, cpu)
}

// --each-alone adds rounds with only metrics and only one tracer, to tell their costs apart.
// --modes A,B,... runs those modes (off first when given), e.g. --modes off,on_otel_sampled;
// --only MODE runs one mode (to profile it), e.g. --only on_otel.
func modesOption(_ name: String) -> [Mode]? {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else { return nil }
    return CommandLine.arguments[index + 1].split(separator: ",").map {
        guard let mode = Mode(rawValue: String($0)) else { fatalError("unknown mode \($0); modes: \(Mode.allCases.map(\.rawValue))") }
        return mode
    }
}
let headline: [Mode] = [.off, .onOtel, .onOtelSampled, .onRing, .on]
let modes: [Mode] = modesOption("--only") ?? modesOption("--modes") ?? (CommandLine.arguments.contains("--each-alone") ? Mode.allCases : headline)
let collector = try await OTLPCollectorStub()
var rates: [Mode: [Double]] = [:], cpu: [Mode: [Double]] = [:]
for round in 0..<rounds {
    // Alternate the order, so that a trend in the machine's load hits every mode alike.
    for mode in round % 2 == 0 ? modes : modes.reversed() {
        let result = try await drain(round: round, mode: mode, collector: collector)
        rates[mode, default: []].append(result.rate)
        cpu[mode, default: []].append(result.cpu)
    }
}
try await collector.close()
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
let offMedian = rates[.off].map(median), offCPU = cpu[.off].map(median)
func percent(_ value: Double) -> Double { (value * 1000).rounded() / 10 }
for mode in modes {
    let values = rates[mode]!, value = median(values), cpuValue = median(cpu[mode]!)
    var fields: [String: any Sendable] = [
        "name": "sqlite.drain.observability_\(mode.rawValue)", "value": value.rounded(), "unit": "jobs/s", "jobs": jobs,
        "rounds": values.map { $0.rounded() }, "backend": mode.backend,
        "cpu_us_per_job": (cpuValue * 10).rounded() / 10,
    ]
    if let offMedian, let offCPU, let off = rates[.off], mode != .off {
        // Against off: the medians' ratio, and the median of each round's ratio to the off
        // drain of the same round (adjacent in time, so a change of the machine's load between
        // rounds cancels out); and the CPU time per job.
        fields["cost_percent"] = percent((offMedian - value) / offMedian)
        fields["paired_cost_percent"] = percent(median(zip(values, off).map { 1 - $0 / $1 }))
        fields["cpu_cost_percent"] = percent((cpuValue - offCPU) / offCPU)
    }
    emit(fields)
}
let received = collector.requests
emit(["name": "otlp.collector.received", "requests": received.requests, "bytes": received.bytes])
