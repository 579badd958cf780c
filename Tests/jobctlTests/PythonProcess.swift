import Foundation
import JobCore

/// A Python tool run by a test (schemathesis, the dashboard's browser test): the python3 on PATH,
/// waited for on a thread of its own, its output read as it comes (a full pipe would block it).
enum PythonProcess {
    /// Runs `python3 ARGUMENTS…` (in `directory` when given), with `environment` added to this
    /// process's; returns its exit status, its stdout and its stderr.
    static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], name: String = "python"
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await DedicatedThread.run(name: name) { () throws -> (Int32, String, String) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + arguments
            if let directory { process.currentDirectoryURL = directory }
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let stdout = Pipe(), stderr = Pipe()
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            let errors = PipeDrain(stderr.fileHandleForReading)
            let output = PipeDrain(stdout.fileHandleForReading)
            process.waitUntilExit()
            return (process.terminationStatus, output.finish(), errors.finish())
        }
    }
}
