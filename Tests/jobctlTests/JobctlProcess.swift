import Foundation
import JobCore
import JobCoreTesting

/// Runs the built `jobctl` binary as a user would, capturing its output and exit status.
struct JobctlProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Standard output exactly as written (`stdout` is it decoded as UTF-8).
        var stdoutData = Data()
    }

    /// The binary: `JOBCTL_BINARY`, else next to the test bundle, else `.build/debug/jobctl`.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["JOBCTL_BINARY"] { return URL(fileURLWithPath: path) }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("jobctl"),
            Bundle.main.bundleURL.appendingPathComponent("jobctl"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("jobctl"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/jobctl"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[candidates.count - 1]
    }()

    /// The `HOME` of every jobctl a test runs: private to this test process, so that nothing
    /// reads or writes the user's own files (the default store lives under `HOME`).
    static let home: String = {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("jobctl-test-home-\(getpid())")
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Runs `jobctl arguments…` with `environment` added to a minimal one, waiting for it to exit.
    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) async throws -> Output {
        // Waiting for the child blocks: do it on a thread of its own, not the cooperative pool,
        // where in-process servers the child talks to (fake GitHub API) must keep running.
        try await DedicatedThread.run(name: "jobctl-test") {
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            var env = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "HOME": home,
            ]
            env.merge(environment) { $1 }
            process.environment = env
            if let directory { process.currentDirectoryURL = directory }
            let stdout = Pipe(), stderr = Pipe()
            process.standardOutput = stdout
            process.standardError = stderr
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let errorData = PipeDrain(stderr.fileHandleForReading)
            let out = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Output(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: errorData.finish(), stdoutData: out)
        }
    }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeDrain: @unchecked Sendable {
    // Written by the reader thread before `done` is signalled; read only after waiting on it.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
