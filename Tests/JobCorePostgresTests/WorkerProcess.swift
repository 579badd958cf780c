import Foundation
import JobCore
#if canImport(Glibc)
import Glibc
#endif

/// A `jobcore-test-worker` (or `jobctl`) process started by a test, with its exit awaited.
final class WorkerProcess: Sendable {
    let process: Process
    let exited: Locked<Int32?>
    private let waiters: Locked<[CheckedContinuation<Int32, Never>]>

    /// An executable built beside the test binary.
    static func executable(_ name: String) throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw JobStoreError(.notFound, "\(name) not found near \(CommandLine.arguments[0])")
    }

    /// Starts `name`: an absolute path, or an executable built beside the test binary.
    init(
        _ name: String, arguments: [String], environment: [String: String] = [:], output: FileHandle? = nil, error: FileHandle? = nil
    ) throws {
        process = Process()
        process.executableURL = name.hasPrefix("/") ? URL(fileURLWithPath: name) : try Self.executable(name)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = output ?? FileHandle.nullDevice
        if let error { process.standardError = error }
        process.standardInput = FileHandle.nullDevice
        let exited = Locked<Int32?>(nil)
        let waiters = Locked<[CheckedContinuation<Int32, Never>]>([])
        self.exited = exited
        self.waiters = waiters
        process.terminationHandler = { process in
            let status = process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
            exited.withLock { $0 = status }
            waiters.withLock { pending in
                pending.forEach { $0.resume(returning: status) }
                pending.removeAll()
            }
        }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// The exit status; a negative number is the signal that killed it.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = waiters.withLock { pending -> Int32? in
                if let status = exited.value { return status }
                pending.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }
}
