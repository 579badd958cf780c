import Foundation
import Tracing

/// Enqueues typed job requests — a ``JobPayload`` that knows its kind, or a ``JobKind`` and its
/// Codable payload — into a ``JobStore``, for ``Worker``s in this or other processes to run.
///
/// <!-- sample: context=memory-store,mail,send-mail,review -->
/// ```swift
/// let queue = DurableJobQueue(store: store)
/// try await queue.enqueue(Review(repository: "acme/api", pullRequest: 42))    // a JobPayload
/// try await queue.enqueue(sendMail, Mail(to: "ops@example.com", subject: "hi"))           // kind + payload
/// ```
public struct DurableJobQueue: Sendable {
    /// The store the jobs go to.
    public let store: any JobStore
    /// Where the enqueue metrics and spans go.
    public let observability: Observability
    let metrics: JobMetrics

    /// Creates a queue over a store.
    /// - Parameters:
    ///   - store: where the jobs go.
    ///   - observability: where metrics and spans go. Defaults to the bootstrapped backends,
    ///     read now.
    public init(store: any JobStore, observability: Observability = Observability()) {
        self.store = store
        self.observability = observability
        self.metrics = JobMetrics(observability)
    }

    /// Enqueues one job of the payload's kind, with the payload encoded as JSON. Workers in this
    /// process wake at once.
    /// - Parameters:
    ///   - payload: the job's input; its type's ``JobPayload/kind`` names the kind.
    ///   - options: key, priority, schedule, attempts, timeout, idempotency key.
    /// - Returns: the job, and whether it was created or found by its idempotency key.
    /// - Throws: ``JobStoreError``, or the payload's encoding error.
    @discardableResult
    public func enqueue<Payload: JobPayload>(_ payload: Payload, options: JobOptions = JobOptions()) async throws -> EnqueueResult {
        try await enqueue(Payload.kind, [(payload, options)])[0]
    }

    /// Enqueues several jobs of one payload type in one transaction.
    /// - Throws: ``JobStoreError``, or a payload's encoding error (then nothing is enqueued).
    @discardableResult
    public func enqueue<Payload: JobPayload>(_ jobs: [(Payload, JobOptions)]) async throws -> [EnqueueResult] {
        try await enqueue(Payload.kind, jobs)
    }

    /// Enqueues one job with its payload encoded as JSON. Workers in this process wake at once.
    /// - Returns: the job, and whether it was created or found by its idempotency key.
    /// - Throws: ``JobStoreError``, or the payload's encoding error.
    @discardableResult
    public func enqueue<Payload>(_ kind: JobKind<Payload>, _ payload: Payload, options: JobOptions = JobOptions()) async throws -> EnqueueResult {
        try await enqueue(kind, [(payload, options)])[0]
    }

    /// Enqueues several jobs of one kind in one transaction.
    /// - Throws: ``JobStoreError``, or a payload's encoding error (then nothing is enqueued).
    @discardableResult
    public func enqueue<Payload>(_ kind: JobKind<Payload>, _ jobs: [(Payload, JobOptions)]) async throws -> [EnqueueResult] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let requests = try jobs.map { NewJob(kind: kind.name, payload: try encoder.encode($0.0), options: $0.1) }
        return try await enqueue(requests)
    }

    /// Enqueues encoded jobs in one transaction, in an enqueue span (when a tracer records)
    /// whose trace context each job without one keeps, so that its attempts join the trace.
    /// - Returns: one result per job, in order.
    /// - Throws: ``JobStoreError``.
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) async throws -> [EnqueueResult] {
        guard let tracer = observability.activeTracer else {
            let results = try await store.enqueue(jobs)
            metrics.enqueued(jobs, results)
            return results
        }
        let parent = ServiceContext.current ?? .topLevel
        return try await JobTracing.withSpan("jobcore.enqueue", tracer: tracer, context: parent, kind: .producer) { span in
            var attributes = SpanAttributes()
            if span.isRecording {
                attributes.set("messaging.system", value: .string(JobTracing.system))
                attributes.set("messaging.operation.type", value: .string("send"))
                if let first = jobs.first {
                    attributes.set("messaging.destination.name", value: .string(first.options.queue))
                    attributes.set("jobcore.job.kind", value: .string(first.kind))
                }
                if jobs.count != 1 { attributes.set("messaging.batch.message_count", value: .int64(Int64(jobs.count))) }
                span.attributes = attributes
            }
            let carrier = JobTracing.carrier(of: span.context, tracer: tracer)
            let traced = jobs.map { job in
                var job = job
                if job.traceContext.isEmpty { job.traceContext = carrier }
                return job
            }
            let results = try await store.enqueue(traced)
            metrics.enqueued(jobs, results)
            if span.isRecording, results.count == 1 {
                attributes.set("messaging.message.id", value: .string(results[0].job.id.rawValue))
                attributes.set("jobcore.job.created", value: .bool(results[0].created))
                span.attributes = attributes
            }
            return results
        }
    }

    /// Enqueues a plan, a graph of jobs, in one transaction: all of its jobs or none.
    /// - Returns: each plan job's result by its name.
    /// - Throws: ``JobStoreError``: `invalidArgument` naming the offending plan job (an unknown
    ///   name, a cycle, an invalid job), `notFound` for a stored dependency that does not exist.
    @discardableResult
    public func submit(_ plan: JobPlan) async throws -> [String: EnqueueResult] {
        let (jobs, names) = try plan.batch()
        // Each job checked alone first, so that an invalid one is named.
        let now = Date()
        for (job, name) in zip(jobs, names) {
            do throws(JobStoreError) {
                var alone = job
                alone.dependsOnEarlierEntries = []
                _ = try JobLifecycle.enqueue(alone, id: JobID.make(at: now), now: now)
            } catch {
                throw JobStoreError(error.code, "plan job '\(name)': \(error.message)")
            }
        }
        let results: [EnqueueResult]
        do {
            results = try await enqueue(jobs)
        } catch let error as JobStoreError where error.code == .invalidArgument {
            throw JobStoreError(.invalidArgument, Self.naming(error.message, names: names), jobID: error.jobID, state: error.state)
        }
        return Dictionary(uniqueKeysWithValues: zip(names, results).map { ($0, $1) })
    }

    /// A store's message about "job N of the batch" with the plan job's name instead.
    private static func naming(_ message: String, names: [String]) -> String {
        var message = message
        for (index, name) in names.enumerated().reversed() {
            message = message.replacingOccurrences(of: "job \(index) of the batch", with: "plan job '\(name)'")
        }
        return message
    }
}
