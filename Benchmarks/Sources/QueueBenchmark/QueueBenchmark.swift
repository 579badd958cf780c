import CHeapUsage
import Foundation
import JobCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Throughput and memory of `InProcessJobQueue` with no-op jobs.
///
/// Prints one JSON object per result line. Options (all optional):
/// `--jobs N` (default 2,000,000), `--keys N` (1,000), `--producers N` (4,000),
/// `--global-limit N` (64), `--distinct-keys N` (1,000,000).
@main
struct QueueBenchmark {
    static func main() async throws {
        let options = Options(CommandLine.arguments.dropFirst())
        try await throughput(options)
        try await distinctKeys(options)
    }

    /// No-op jobs spread over `keys` keys, per-key limit 1: `producers` tasks each enqueue jobs
    /// one after the other, cycling through the keys, so every key has a queue of waiting jobs.
    static func throughput(_ options: Options) async throws {
        let queue = InProcessJobQueue(configuration: configuration(options))
        let keys = (0..<options.keys).map { "tenant-\($0)" }
        // Warm-up: grows the pools and caches once.
        _ = try await run(queue, jobs: options.jobs / 10, producers: options.producers) { producer, index in
            keys[(producer &+ index) % keys.count]
        }
        let cpuBefore = cpuTime()
        let elapsed = try await run(queue, jobs: options.jobs, producers: options.producers) { producer, index in
            keys[(producer &+ index) % keys.count]
        }
        let cpuPerJob = (cpuTime() - cpuBefore) / Double(options.jobs)
        let rate = Double(options.jobs) / elapsed.seconds
        let floorTime = await HandoffFloor.measure(jobs: options.jobs, producers: options.producers)
        let floorRate = Double(options.jobs) / floorTime.seconds
        let setting = "\(options.keys) keys, key limit 1, global limit \(options.globalLimit), "
            + "\(options.producers) producers, \(options.jobs) jobs"
        report(name: "in-process queue: no-op jobs", value: rate.rounded(), unit: "jobs/s", setting: setting)
        report(name: "reference: bare continuation hand-off, run right after (no queue logic)",
               value: floorRate.rounded(), unit: "jobs/s",
               setting: "\(options.producers) producers, 2 worker tasks; "
                   + "the queue did \(Int((rate / floorRate * 100).rounded()))% of this")
        report(name: "in-process queue: CPU time per job (user + system, all threads)",
               value: (cpuPerJob * 1e9).rounded() / 1e3, unit: "µs", setting: setting)
        report(name: "in-process queue: no-op jobs per second of CPU time",
               value: (1 / cpuPerJob).rounded(), unit: "jobs/s", setting: "2 idle cores would do about twice this")
        report(name: "in-process queue: peak memory (VmHWM) after throughput run",
               value: rounded(Double(memory("VmHWM")) / 1024), unit: "MiB", setting: setting)
        precondition(queue.statistics.trackedKeys == 0, "every key is idle and pruned")
    }

    /// One job per key over `distinctKeys` keys, measured at eight checkpoints: the heap in use
    /// and the resident memory must stay flat, because idle keys leave no state.
    static func distinctKeys(_ options: Options) async throws {
        let queue = InProcessJobQueue(configuration: configuration(options))
        let checkpoints = 8
        let step = options.distinctKeys / checkpoints
        var heap: [Double] = []
        var resident: [Double] = []
        for part in 0..<checkpoints {
            let base = part * step
            _ = try await run(queue, jobs: step, producers: options.producers) { producer, index in
                "distinct-\(base + index * options.producers + producer)"
            }
            precondition(queue.statistics.trackedKeys == 0, "every key is idle and pruned")
            heap.append(Double(jobcore_heap_bytes_in_use()) / 1_048_576)
            resident.append(Double(memory("VmRSS")) / 1024)
            report(
                name: "in-process queue: heap in use after \((part + 1) * step) distinct keys",
                value: rounded(heap[part]), unit: "MiB",
                setting: "resident \(rounded(resident[part])) MiB, tracked keys \(queue.statistics.trackedKeys)")
        }
        let half = checkpoints / 2 - 1
        let span = "from \((half + 1) * step) to \(checkpoints * step) distinct keys"
        report(name: "in-process queue: heap growth \(span)",
               value: rounded(heap[checkpoints - 1] - heap[half]), unit: "MiB", setting: "mallinfo2 bytes in use")
        report(name: "in-process queue: resident growth \(span)",
               value: rounded(resident[checkpoints - 1] - resident[half]), unit: "MiB", setting: "VmRSS")
        report(name: "in-process queue: peak memory (VmHWM) at the end",
               value: rounded(Double(memory("VmHWM")) / 1024), unit: "MiB", setting: "whole process")
    }

    static func rounded(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }

    static func configuration(_ options: Options) -> InProcessJobQueue.Configuration {
        var configuration = InProcessJobQueue.Configuration()
        configuration.globalLimit = options.globalLimit
        configuration.defaultKeyLimit = 1
        configuration.capacity = max(options.producers, 10_000)
        return configuration
    }

    /// Runs `jobs` no-op jobs from `producers` tasks; returns the time taken.
    static func run(
        _ queue: InProcessJobQueue,
        jobs: Int,
        producers: Int,
        key: @escaping @Sendable (_ producer: Int, _ index: Int) -> String
    ) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        // Unstructured tasks joined one by one: a task group of thousands of children spends
        // quadratic time detaching them, which would be counted against the queue.
        let tasks = (0..<producers).map { producer in
            let count = jobs / producers + (producer < jobs % producers ? 1 : 0)
            return Task {
                for index in 0..<count {
                    try await queue.enqueue(key: key(producer, index)) {}
                }
            }
        }
        for task in tasks { try await task.value }
        return clock.now - start
    }

    /// The CPU time of this process so far, user and system, in seconds.
    static func cpuTime() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// A field of /proc/self/status, in KiB.
    static func memory(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
        }
        return -1
    }

    static func report(name: String, value: Double, unit: String, setting: String) {
        let object: [String: Any] = ["name": name, "value": value, "unit": unit, "setting": setting]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

struct Options {
    var jobs = 2_000_000
    var keys = 1_000
    var producers = 4_000
    var globalLimit = 64
    var distinctKeys = 1_000_000

    init(_ arguments: ArraySlice<String>) {
        var arguments = arguments
        while let flag = arguments.popFirst() {
            guard let text = arguments.popFirst(), let value = Int(text), value > 0 else {
                fatalError("""
                    usage: QueueBenchmark [--jobs N] [--keys N] [--producers N] [--global-limit N] \
                    [--distinct-keys N]
                    """)
            }
            switch flag {
            case "--jobs": jobs = value
            case "--keys": keys = value
            case "--producers": producers = value
            case "--global-limit": globalLimit = value
            case "--distinct-keys": distinctKeys = value
            default: fatalError("unknown option \(flag)")
            }
        }
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
