import DequeModule
import Synchronization

/// A reference for the queue's throughput: the least work any awaiting queue does per job on
/// this runtime. Producers suspend on a continuation in a shared FIFO; two worker tasks take
/// them and resume them. No keys, no limits, no cancellation handlers. Run next to the queue, it
/// shows how much of the machine the benchmark got at that moment.
final class HandoffFloor: Sendable {
    private typealias Producer = UnsafeContinuation<Void, Never>
    private typealias Worker = UnsafeContinuation<Producer?, Never>

    private struct State {
        var producers = Deque<Producer>()
        var idleWorkers: [Worker] = []
        var stopping = false
    }

    private let state = Mutex(State())

    /// Runs `jobs` hand-offs from `producers` tasks; returns the time taken.
    static func measure(jobs: Int, producers: Int) async -> Duration {
        let floor = HandoffFloor()
        let workers = (0..<2).map { _ in Task.detached { await floor.work() } }
        let clock = ContinuousClock()
        let start = clock.now
        let tasks = (0..<producers).map { producer in
            Task {
                for _ in 0..<(jobs / producers + (producer < jobs % producers ? 1 : 0)) { await floor.submit() }
            }
        }
        for task in tasks { await task.value }
        let elapsed = clock.now - start
        floor.stop()
        for worker in workers { await worker.value }
        return elapsed
    }

    private func submit() async {
        await withUnsafeContinuation { (producer: Producer) in
            let worker = state.withLock { state -> Worker? in
                if let worker = state.idleWorkers.popLast() { return worker }
                state.producers.append(producer)
                return nil
            }
            worker?.resume(returning: producer)
        }
    }

    private func work() async {
        while true {
            let producer: Producer? = await withUnsafeContinuation { (worker: Worker) in
                enum Next { case resume(Producer), stop, wait }
                let next = state.withLock { state -> Next in
                    if let producer = state.producers.popFirst() { return .resume(producer) }
                    if state.stopping { return .stop }
                    state.idleWorkers.append(worker)
                    return .wait
                }
                switch next {
                case .resume(let producer): worker.resume(returning: producer)
                case .stop: worker.resume(returning: nil)
                case .wait: break
                }
            }
            guard let producer else { return }
            producer.resume()
        }
    }

    private func stop() {
        let idle = state.withLock { state in
            state.stopping = true
            defer { state.idleWorkers = [] }
            return state.idleWorkers
        }
        idle.forEach { $0.resume(returning: nil) }
    }
}
