import Foundation

/// Who owns a workspace: written next to its work tree when it is created, read by the sweep.
struct WorkspaceMarker: Codable, Sendable, Equatable {
    /// The owning process.
    var pid: Int32
    /// When the owning process started (Linux clock ticks since boot), to tell a live owner from
    /// a new process that reuses its pid.
    var processStart: UInt64?
    /// The job the workspace belongs to, when any.
    var jobID: String?
    /// When the workspace was created.
    var createdAt: Date
    /// The host, so a shared root never judges another machine's processes.
    var host: String

    static let fileName = "owner.json"

    static func current(jobID: String?, createdAt: Date) -> WorkspaceMarker {
        let pid = getpid()
        return WorkspaceMarker(pid: pid, processStart: processStartTime(pid), jobID: jobID, createdAt: createdAt,
                               host: ProcessInfo.processInfo.hostName)
    }

    /// Whether the owner is still running on this host. Owners on other hosts count as alive.
    var ownerIsAlive: Bool {
        guard host == ProcessInfo.processInfo.hostName else { return true }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let processStart, let current = Self.processStartTime(pid) else { return true }
        return processStart == current
    }

    /// Field 22 of `/proc/PID/stat`: when the process started. `nil` where there is no procfs.
    static func processStartTime(_ pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, so starttime (field 22) is index 19.
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
