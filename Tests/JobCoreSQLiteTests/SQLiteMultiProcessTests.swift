import Foundation
@_spi(JobStoreImplementation) import JobCore
import JobCoreSQLite
import Testing

@Suite struct SQLiteMultiProcessTests {
    /// The helper executable built beside the test binary.
    static func helper() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("jobcore-test-worker")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw JobStoreError(.notFound, "jobcore-test-worker not found near \(CommandLine.arguments[0])")
    }

    /// Runs the helper to completion and returns its exit status.
    static func runWorkerProcess(store: String, workerID: String) async throws -> Int32 {
        let process = Process()
        process.executableURL = try helper()
        process.arguments = ["--store", store, "--worker-id", workerID, "--concurrency", "4", "--hold-ms", "4", "--poll-ms", "10", "--drain"]
        process.standardOutput = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }

    @Test func perKeyLimitHoldsAcrossTwoWorkerProcessesOnOneFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shared.sqlite")
        let store = try SQLiteJobStore(path: path)
        let jobs = (0..<160).map { NewJob(kind: "hold", options: JobOptions(key: "tenant-\($0 % 4)")) }
        let ids = try await store.enqueue(jobs).map(\.job.id)

        async let first = Self.runWorkerProcess(store: path, workerID: "process-a")
        async let second = Self.runWorkerProcess(store: path, workerID: "process-b")
        let statuses = try await [first, second]
        #expect(statuses == [0, 0])

        #expect(try await store.count(JobFilter(states: [.succeeded])) == ids.count, "every job ran once and succeeded")
        var runsByKey: [String: [JobRun]] = [:]
        var workers: Set<String> = []
        for id in ids {
            let runs = try await store.runs(of: id)
            #expect(runs.count == 1)
            let key = try await store.job(id).key ?? ""
            runsByKey[key, default: []] += runs
            workers.formUnion(runs.map(\.workerID))
        }
        #expect(workers == ["process-a", "process-b"], "both processes claimed jobs")
        for (key, runs) in runsByKey {
            let ordered = runs.sorted { $0.startedAt < $1.startedAt }
            for (previous, next) in zip(ordered, ordered.dropFirst()) {
                let finished = try #require(previous.finishedAt)
                #expect(next.startedAt >= finished, "two jobs of \(key) overlapped: \(previous.workerID) and \(next.workerID)")
            }
        }
    }

    @Test func jobsSurviveReopening() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("durable.sqlite")
        let id = try await SQLiteJobStore(path: path).enqueue(NewJob(kind: "keep")).job.id
        let reopened = try SQLiteJobStore(path: path)
        #expect(try await reopened.job(id).kind == "keep")
        #expect(try await reopened.claim(ClaimRequest(workerID: "w")).map(\.id) == [id])
    }
}
