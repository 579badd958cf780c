import Foundation
import JobCore
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers shared by the process supervision tests.
enum ProcessTestSupport {
    static let logger = Logger(label: "jobcore.tests.process", factory: { _ in SwiftLogNoOpLogHandler() })

    static func supervisor(clock: any WallClock = SystemClock(), grace: Duration = .seconds(5)) -> ProcessSupervisor {
        ProcessSupervisor(configuration: .init(stopGracePeriod: grace), clock: clock, logger: logger)
    }

    /// `/bin/sh -c script` with a minimal PATH.
    static func sh(_ script: String, environment: [String: String] = [:], outputLimit: Int = 1 << 20) -> CommandSpec {
        CommandSpec(
            executable: "/bin/sh",
            arguments: ["-c", script],
            environment: environment.merging(["PATH": "/usr/bin:/bin"]) { mine, _ in mine },
            outputLimit: outputLimit
        )
    }

    /// Follows the output until `done` accepts the text so far, or the output ends.
    static func read(_ process: SupervisedProcess, until done: (String) -> Bool) async -> String {
        var bytes: [UInt8] = []
        for await event in process.output {
            if case .chunk(let chunk) = event { bytes += chunk.bytes }
            let text = String(decoding: bytes, as: UTF8.self)
            if done(text) { return text }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The numbers on complete lines of the form `<label> <number>`.
    static func numbers(labelled label: String, in text: String) -> [Int32] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, parts[0] == label else { return nil }
            return Int32(parts[1])
        }
    }

    /// Follows the output until it holds `count` `pid N` lines and a `guardian N` line; returns
    /// the pids with the guardian's last.
    static func treePIDs(of process: SupervisedProcess, count: Int) async -> [Int32] {
        let text = await read(process) { text in
            numbers(labelled: "pid", in: text).count >= count && !numbers(labelled: "guardian", in: text).isEmpty
        }
        return numbers(labelled: "pid", in: text) + numbers(labelled: "guardian", in: text)
    }

    enum Liveness: Equatable {
        case alive, zombie, gone
    }

    /// A process, told apart from a later one that reuses its pid by its start time (Linux).
    struct Identity: Equatable, CustomStringConvertible {
        let pid: Int32
        let startTime: String?

        init(_ pid: Int32) {
            self.pid = pid
            startTime = ProcessTestSupport.procStat(of: pid).map { $0[19] }
        }

        var description: String { "\(pid)" }
    }

    /// The fields of /proc/PID/stat after the command name (state first), or nil.
    static func procStat(of pid: Int32) -> [String]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ").map(String.init)
        return fields.count > 19 ? fields : nil
    }

    static func liveness(_ identity: Identity) -> Liveness {
        if kill(identity.pid, 0) != 0 && errno == ESRCH { return .gone }
        #if os(Linux)
        guard let fields = procStat(of: identity.pid) else { return .gone }
        if let startTime = identity.startTime, fields[19] != startTime { return .gone }  // pid reused
        return fields[0] == "Z" ? .zombie : .alive
        #else
        return .alive
        #endif
    }

    /// Waits until none of `processes` is alive (or a zombie, unless allowed), and returns those
    /// that still are at the deadline. Polls: another process's death has no event to await.
    static func survivors(
        of processes: [Identity], allowingZombies: Bool = false, deadline: Duration = .seconds(10)
    ) async -> [Identity] {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: deadline)
        while true {
            let remaining = processes.filter {
                let state = liveness($0)
                return state == .alive || (state == .zombie && !allowingZombies)
            }
            if remaining.isEmpty || clock.now >= end { return remaining }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Kills whatever a failed test left behind.
    static func killAll(_ processes: [Identity]) {
        for process in processes where liveness(process) == .alive {
            kill(process.pid, SIGKILL)
        }
    }
}
