import Foundation
import Tracing

/// Spans of jobs, and the trace context that carries a job's trace from its enqueuer to the
/// workers that run it (in any process): the fields an instrument injects (W3C Trace Context's
/// `traceparent` and `tracestate` with OpenTelemetry), stored with the job.
///
/// Attributes follow OpenTelemetry's messaging conventions (`messaging.system` is `jobcore`,
/// `messaging.destination.name` the queue, `messaging.message.id` the job id) and add
/// `jobcore.job.kind`, `jobcore.job.attempt` and `jobcore.job.outcome`. Payloads, errors,
/// keys and URLs are never attributes.
enum JobTracing {
    static let system = "jobcore"

    struct DictionaryInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
            carrier[key] = value
        }
    }

    struct DictionaryExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? {
            carrier[key] ?? carrier.first { $0.key.lowercased() == key.lowercased() }?.value
        }
    }

    /// The trace context of `context` as `tracer` propagates it (empty when it has none).
    static func carrier(of context: ServiceContext, tracer: any Tracer) -> [String: String] {
        var carrier: [String: String] = [:]
        tracer.inject(context, into: &carrier, using: DictionaryInjector())
        return carrier
    }

    /// The context a job's spans descend from: its stored trace context, or a new trace.
    static func parentContext(of job: JobRecord, tracer: any Tracer) -> ServiceContext {
        var context = ServiceContext.topLevel
        if !job.traceContext.isEmpty {
            tracer.extract(job.traceContext, into: &context, using: DictionaryExtractor())
        }
        return context
    }

    /// Runs `body` in a span of `tracer` that is the current span meanwhile; ends it after.
    static func withSpan<T>(
        _ name: String, tracer: any Tracer, context: ServiceContext, kind: SpanKind,
        _ body: (any Span) async throws -> T
    ) async rethrows -> T {
        let span: any Span = tracer.startSpan(name, context: context, ofKind: kind)
        defer { span.end() }
        do {
            return try await ServiceContext.$current.withValue(span.context) { try await body(span) }
        } catch {
            span.setStatus(SpanStatus(code: .error))
            span.attributes["error.type"] = String(describing: type(of: error))
            throw error
        }
    }

    /// Runs `body` in a span when a tracer records, else just runs it.
    static func traced<T>(
        _ name: String, observability: Observability = Observability(), kind: SpanKind = .internal,
        _ body: ((any Span)?) async throws -> T
    ) async rethrows -> T {
        guard let tracer = observability.activeTracer else { return try await body(nil) }
        return try await withSpan(name, tracer: tracer, context: ServiceContext.current ?? .topLevel, kind: kind) { try await body($0) }
    }
}
