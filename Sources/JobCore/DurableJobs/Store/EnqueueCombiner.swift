import Synchronization

/// Group commit for enqueues: concurrent ``JobStore/enqueue(_:)`` calls of a store share one
/// write transaction instead of queueing for one each.
///
/// A call that finds no write in progress writes its jobs at once (a lone caller waits for
/// nothing). Calls that arrive while a write runs wait; when it ends, all of them are written in
/// the next transaction, as one batch, in the order they arrived — so 256 concurrent callers pay
/// for a few transactions, not 256. Each caller gets the results of its own jobs. When a combined
/// write fails (one caller's invalid job, say), each of its calls is
/// written again alone, so that one caller's error is never another's.
///
/// Only batches whose jobs refer to no other job of their batch can be combined (no dependencies,
/// no parent, no entries by index: see ``canCombine(_:)``); stores write the others alone.
@_spi(JobStoreImplementation)
public final class EnqueueCombiner: Sendable {
    /// Writes jobs in one transaction, returning one result per job in order.
    public typealias Write = @Sendable ([NewJob]) async throws -> [EnqueueResult]

    private struct Request: Sendable {
        var jobs: [NewJob]
        var write: Write
        var continuation: CheckedContinuation<[EnqueueResult], any Error>
    }

    private struct State {
        var writing = false
        var pending: [Request] = []
    }

    private let state = Mutex(State())

    /// The most jobs written in one combined transaction; more wait for the next.
    public static let maximumJobs = 5000

    /// Creates a combiner; a store keeps one.
    public init() {}

    /// Calls waiting for the write in progress to end.
    public var waitingCalls: Int { state.withLock { $0.pending.count } }

    /// Whether a batch can share a transaction with other callers' batches: none of its jobs
    /// depends on or belongs to another job (stored or in the batch).
    public static func canCombine(_ jobs: [NewJob]) -> Bool {
        jobs.allSatisfy { job in
            job.options.dependsOn.isEmpty && job.dependsOnEarlierEntries.isEmpty && job.parent == nil && job.parentEntry == nil
        }
    }

    /// Writes `jobs` with `write`, in a transaction shared with the calls that wait meanwhile.
    /// - Returns: one result per job, in order.
    /// - Throws: what `write` threw for these jobs alone.
    public func enqueue(_ jobs: [NewJob], write: @escaping Write) async throws -> [EnqueueResult] {
        let lead = state.withLock { state in
            if state.writing { return false }
            state.writing = true
            return true
        }
        if lead {
            let result: Result<[EnqueueResult], any Error>
            do { result = .success(try await write(jobs)) } catch { result = .failure(error) }
            handOff()
            return try result.get()
        }
        return try await withCheckedThrowingContinuation { continuation in
            let request = Request(jobs: jobs, write: write, continuation: continuation)
            let lead = state.withLock { state in
                if state.writing {
                    state.pending.append(request)
                    return false
                }
                state.writing = true
                return true
            }
            // The write in progress ended between the two looks: this call writes next.
            if lead { Task { await self.drain([request]) } }
        }
    }

    /// After a write: the calls that arrived meanwhile are written by a task of their own (so
    /// that the caller that wrote returns now), or the combiner becomes idle.
    private func handOff() {
        guard let next = takePending() else { return }
        Task { await drain(next) }
    }

    /// The waiting calls, in order, up to ``maximumJobs`` jobs (at least one call); or `nil`
    /// (and idle) when none waits.
    private func takePending() -> [Request]? {
        state.withLock { state in
            guard !state.pending.isEmpty else {
                state.writing = false
                return nil
            }
            var count = 0, jobs = 0
            while count < state.pending.count, count == 0 || jobs + state.pending[count].jobs.count <= Self.maximumJobs {
                jobs += state.pending[count].jobs.count
                count += 1
            }
            defer { state.pending.removeFirst(count) }
            return Array(state.pending.prefix(count))
        }
    }

    private func drain(_ first: [Request]) async {
        var batch = first
        while true {
            await write(batch)
            guard let next = takePending() else { return }
            batch = next
        }
    }

    /// Writes the requests in one transaction, or each alone when that fails.
    private func write(_ requests: [Request]) async {
        guard requests.count > 1 else {
            for request in requests { await writeAlone(request) }
            return
        }
        do {
            var results = try await requests[0].write(requests.flatMap(\.jobs))[...]
            guard results.count == requests.reduce(0, { $0 + $1.jobs.count }) else {
                throw JobStoreError(.unavailable, "the store returned \(results.count) results for a combined enqueue")
            }
            for request in requests {
                request.continuation.resume(returning: Array(results.prefix(request.jobs.count)))
                results = results.dropFirst(request.jobs.count)
            }
        } catch {
            for request in requests { await writeAlone(request) }
        }
    }

    private func writeAlone(_ request: Request) async {
        do {
            request.continuation.resume(returning: try await request.write(request.jobs))
        } catch {
            request.continuation.resume(throwing: error)
        }
    }
}
