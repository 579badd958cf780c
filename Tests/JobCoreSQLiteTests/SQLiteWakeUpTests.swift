import Foundation
#if canImport(Glibc)
import Glibc
#endif
@_spi(JobStoreImplementation) import JobCore
import JobCoreSQLite
import Synchronization
import Testing

/// Wake-ups across processes sharing one SQLite file (`SQLiteJobStore.Configuration.crossProcessWakeUp`).
@Suite struct SQLiteWakeUpTests {
    /// An idle worker in another process that polls only every ten minutes starts each job this
    /// process enqueues at once: only the wake-up can explain it (without it the test times out).
    @Test func anIdleWorkerInAnotherProcessStartsANewJobAtOnce() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shared.sqlite")
        let store = try SQLiteJobStore(path: path)
        let worker = try HelperProcess([
            "--store", path, "--worker-id", "idle-worker", "--concurrency", "1", "--poll-ms", "600000", "--events",
        ])
        defer { worker.stop() }
        // It has looked for work, found none and waits (its next poll is minutes away).
        try await worker.line("idle")
        for _ in 0..<3 {
            let id = try await store.enqueue(NewJob(kind: "noop")).job.id
            try await worker.line("claimed \(id)")
            // With one slot it looks for work again only once the job's end is recorded; it
            // finds none and waits again. (`finished` may be printed before or after this.)
            try await worker.line("idle")
            #expect(try await store.job(id).state == .succeeded)
        }
    }

    /// A worker process killed while it waits leaves nothing that keeps the next one from being
    /// woken.
    @Test func aKilledWaitingWorkerLeavesNothingThatBreaksTheNext() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("crash.sqlite")
        let store = try SQLiteJobStore(path: path)
        let arguments = ["--store", path, "--concurrency", "1", "--poll-ms", "600000", "--events"]
        let first = try HelperProcess(arguments + ["--worker-id", "killed"])
        try await first.line("idle")
        first.kill()
        let second = try HelperProcess(arguments + ["--worker-id", "next"])
        defer { second.stop() }
        try await second.line("idle")
        let id = try await store.enqueue(NewJob(kind: "noop")).job.id
        try await second.line("claimed \(id)")
        try await second.line("idle")
        #expect(try await store.runs(of: id).map(\.workerID) == ["next"])
    }

    /// Two stores on one file in one process are woken as two processes are: through the file.
    @Test func aStoreIsWokenByAnotherStoreOfTheSameFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("two.sqlite")
        let producer = try SQLiteJobStore(path: path)
        let consumer = try SQLiteJobStore(path: path)
        let before = consumer.signal.generation  // starts watching, as a worker does before it claims
        _ = try await producer.enqueue(NewJob(kind: "noop"))
        try await withTimeout(.seconds(30)) { await consumer.signal.wait(after: before) }
        #expect(consumer.signal.generation != before)
    }

    /// A job that replaces the wake file with a symbolic link cannot make the store write through
    /// it, and workers are still woken once the store has made its file again.
    @Test func theWakeFileIsNeverWrittenThroughASymbolicLink() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("linked.sqlite")
        let target = directory.path("target")
        try Data("unchanged".utf8).write(to: URL(fileURLWithPath: target))
        let producer = try SQLiteJobStore(path: path)
        try FileManager.default.createSymbolicLink(atPath: path + "-wake", withDestinationPath: target)
        _ = try await producer.enqueue(NewJob(kind: "noop"))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "unchanged")

        try FileManager.default.removeItem(atPath: path + "-wake")
        let consumer = try SQLiteJobStore(path: path)
        let before = consumer.signal.generation
        _ = try await producer.enqueue(NewJob(kind: "noop"))
        try await withTimeout(.seconds(30)) { await consumer.signal.wait(after: before) }
    }

    /// Turned off, a store neither writes nor watches a wake file.
    @Test func turnedOffThereIsNoWakeFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("quiet.sqlite")
        var configuration = SQLiteJobStore.Configuration()
        configuration.crossProcessWakeUp = false
        let store = try SQLiteJobStore(path: path, configuration: configuration)
        _ = store.signal.generation
        _ = try await store.enqueue(NewJob(kind: "noop"))
        #expect(!FileManager.default.fileExists(atPath: path + "-wake"))
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var waitingFor = ""
    var description: String { "timed out" + (waitingFor.isEmpty ? "" : " waiting for \(waitingFor)") }
}

/// Runs `body`, failing with `TimedOut` if it has not returned after `limit`.
func withTimeout(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask { try await body(); return true }
        group.addTask { try await Task.sleep(for: limit); return false }
        let finished = try await group.next() ?? false
        group.cancelAll()
        guard finished else { throw TimedOut() }
    }
}

/// The test worker helper running in the background, its stdout read line by line.
final class HelperProcess: Sendable {
    /// The lines printed so far, how many ``line(_:)`` has consumed, and a signal per new line.
    final class Output: Sendable {
        let state = Mutex<(lines: [String], consumed: Int, pending: Data)>(([], 0, Data()))
        let printed = JobSignal()

        func append(_ chunk: Data) {
            state.withLock { state in
                state.pending.append(chunk)
                while let newline = state.pending.firstIndex(of: UInt8(ascii: "\n")) {
                    state.lines.append(String(decoding: state.pending[state.pending.startIndex..<newline], as: UTF8.self))
                    state.pending.removeSubrange(state.pending.startIndex...newline)
                }
            }
            printed.notify()
        }

        /// Whether `expected` was printed after the lines consumed so far (consuming up to it).
        func consume(_ expected: String) -> Bool {
            state.withLock { state in
                guard let index = state.lines[state.consumed...].firstIndex(of: expected) else {
                    state.consumed = state.lines.count
                    return false
                }
                state.consumed = index + 1
                return true
            }
        }
    }

    private let process: Process
    private let output = Output()

    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = try SQLiteMultiProcessTests.helper()
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        let output = self.output
        // Read on a thread of its own, until the helper's end of the pipe closes.
        let reader = pipe.fileHandleForReading.fileDescriptor
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(reader, &buffer, buffer.count)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return }
                output.append(Data(buffer[0..<count]))
            }
        }
        thread.start()
        self.process = process
        try process.run()
    }

    /// Waits (at most 30 s) until the helper prints `expected`, consuming the lines before it.
    func line(_ expected: String) async throws {
        do {
            try await waitForLine(expected)
        } catch is TimedOut {
            let lines = output.state.withLock { $0.lines }
            throw TimedOut(waitingFor: "'\(expected)'; printed: \(lines)")
        }
    }

    private func waitForLine(_ expected: String) async throws {
        try await withTimeout(.seconds(30)) { [output] in
            while true {
                let generation = output.printed.generation
                if output.consume(expected) { return }
                await output.printed.wait(after: generation)
                try Task.checkCancellation()
            }
        }
    }

    func stop() {
        process.terminate()
    }

    /// SIGKILL, and waits until it is gone.
    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
