import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The user a command runs as (``CommandSpec/user``): another, unprivileged account, so that the
/// command cannot read the worker's memory, environment, files or store, nor signal it.
///
/// Switching users needs privilege (root, or `CAP_SETUID` and `CAP_SETGID`): the command's
/// process takes on the user's id and primary group, with no supplementary groups, before
/// `execve`, and fails to start when it could become root again.
public struct ProcessUser: Sendable, Hashable, CustomStringConvertible {
    /// The user's name, as given or as found in the user database.
    public let name: String
    /// The numeric user id.
    public let uid: UInt32
    /// The numeric group id the command runs with (the user's primary group).
    public let gid: UInt32
    /// The user's home directory, as the user database has it.
    public let home: String

    /// Looks a user up by name (or by a decimal id) in the user database.
    /// - Throws: ``ProcessSupervisorError`` (`invalidCommand`) when there is no such user, or it is root.
    public init(named name: String) throws(ProcessSupervisorError) {
        func invalid(_ reason: String) -> ProcessSupervisorError {
            ProcessSupervisorError(.invalidCommand, "cannot run as '\(name)': \(reason)", executable: "")
        }
        guard !name.isEmpty, name.utf8.count <= 256, !name.utf8.contains(0) else { throw invalid("not a user name") }
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let result: Int32
        if let id = UInt32(name) {
            result = getpwuid_r(id, &entry, &buffer, buffer.count, &found)
        } else {
            result = getpwnam_r(name, &entry, &buffer, buffer.count, &found)
        }
        guard result == 0, found != nil else { throw invalid("no such user") }
        guard entry.pw_uid != 0 else { throw invalid("that is root, which confines nothing") }
        self.name = String(cString: entry.pw_name)
        self.uid = entry.pw_uid
        self.gid = entry.pw_gid
        self.home = String(cString: entry.pw_dir)
    }

    public var description: String { "\(name) (uid \(uid), gid \(gid))" }

    /// Checks that this user may pass through `directory` and every directory above it (search
    /// permission), so that a command run as this user can reach a workspace made there.
    /// Directories that do not exist yet are skipped.
    /// - Throws: ``ProcessSupervisorError`` (`invalidCommand`) naming the first directory that
    ///   stops the user.
    public func checkCanReach(_ directory: String) throws(ProcessSupervisorError) {
        var current = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        var blocked: String?
        while !current.isEmpty {
            var info = stat()
            if stat(current, &info) == 0 {
                let searchable = info.st_uid == uid ? info.st_mode & S_IXUSR != 0
                    : info.st_gid == gid ? info.st_mode & S_IXGRP != 0 : info.st_mode & S_IXOTH != 0
                if !searchable { blocked = current }
            }
            if current == "/" { break }
            current = (current as NSString).deletingLastPathComponent
        }
        if let blocked {
            throw ProcessSupervisorError(
                .invalidCommand, "user \(name) cannot reach \(directory): \(blocked) does not let it pass (it needs o+x); choose a workspace root that user can traverse",
                executable: ""
            )
        }
    }
}
