import Foundation
import JobCore
import JobCoreTesting

/// A private SQLite store, workspace root and local repository for one test.
struct JobctlEnvironment {
    let root: URL
    var store: String { "sqlite:\(root.appendingPathComponent("jobs.sqlite").path)" }
    var workspaces: URL { root.appendingPathComponent("ws") }
    var repository: URL { root.appendingPathComponent("repo.git") }

    static func with(_ body: (JobctlEnvironment) async throws -> Void) async throws {
        try await TemporaryDirectory.with(prefix: "jobctl") { root in
            let environment = JobctlEnvironment(root: root)
            try FileManager.default.createDirectory(at: environment.workspaces, withIntermediateDirectories: true)
            try GitFixture.makeBareRepository(at: environment.repository, spec: .init(commits: 2))
            try await body(environment)
        }
    }

    /// Runs jobctl with this store and workspace root.
    func jobctl(_ arguments: [String], environment: [String: String] = [:]) async throws -> JobctlProcess.Output {
        var env = ["JOBCTL_STORE": store, "JOBCTL_WORKSPACE_ROOT": workspaces.path]
        env.merge(environment) { $1 }
        return try await JobctlProcess.run(arguments, environment: env)
    }

    /// `jobctl show ID --json` as a dictionary.
    func show(_ id: String) async throws -> [String: Any] {
        let output = try await jobctl(["show", id, "--json"])
        return (try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// Waits (polling another process's writes to the store, bounded) until `condition` holds for the job.
    func waitFor(_ id: String, timeout: Duration = .seconds(30), _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let job = try await show(id)
            if condition(job) { return job }
            guard ContinuousClock.now < deadline else { throw TimedOut(job: "\(job)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits (bounded) until a file exists and has a line, as written by a job's command.
    func waitForFile(_ url: URL, lines: Int, timeout: Duration = .seconds(30)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            let found = text.split(separator: "\n").map(String.init)
            if found.count >= lines { return found }
            guard ContinuousClock.now < deadline else { throw TimedOut(job: "file \(url.path): \(text)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Whether every pid is gone (bounded wait: a killed process disappears once reaped).
    static func allGone(_ pids: [Int32], timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if pids.allSatisfy({ kill($0, 0) != 0 && errno == ESRCH }) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    struct TimedOut: Error, CustomStringConvertible {
        let job: String
        var description: String { "condition not reached: \(job)" }
    }
}

/// A running jobctl process (a worker, or `run` to interrupt).
final class BackgroundJobctl: @unchecked Sendable {
    // Set once in init; the process object is used only from the test's task.
    let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    private var outputDrain: PipeDrain?
    private var errorDrain: PipeDrain?

    init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = JobctlProcess.binary
        process.arguments = arguments
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": JobctlProcess.home]
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        outputDrain = PipeDrain(stdout.fileHandleForReading)
        errorDrain = PipeDrain(stderr.fileHandleForReading)
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for exit on a dedicated thread; returns the status and everything written.
    func finish() async throws -> JobctlProcess.Output {
        let process = process, output = outputDrain!, errors = errorDrain!
        return try await DedicatedThread.run(name: "jobctl-background") {
            process.waitUntilExit()
            return JobctlProcess.Output(status: process.terminationStatus, stdout: output.finish(), stderr: errors.finish())
        }
    }
}
