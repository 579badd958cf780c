import CJobCoreGit
import CLibGit2
import Foundation
import Synchronization

/// The libgit2 library: one-time initialisation, process-wide settings and what it supports.
public enum LibGit2 {
    /// What the linked libgit2 is and can do.
    public struct Info: Sendable, Codable, Equatable {
        /// The version, e.g. `1.8.4`.
        public var version: String
        /// Whether it was built with thread safety.
        public var threads: Bool
        /// Whether it can talk HTTPS.
        public var https: Bool
        /// Whether it can talk SSH.
        public var ssh: Bool
        /// Whether it can fetch shallow histories (libgit2 >= 1.7).
        public var shallow: Bool
    }

    /// Connect and read/write timeouts, which libgit2 applies to every connection of the process.
    public struct Timeouts: Sendable, Equatable {
        /// How long to wait for a TCP connection. Defaults to 10 seconds.
        public var connect: Duration
        /// How long to wait for any read or write on a connection. Defaults to 60 seconds.
        public var io: Duration

        public init(connect: Duration = .seconds(10), io: Duration = .seconds(60)) {
            self.connect = connect
            self.io = io
        }
    }

    private static let state = Mutex<Timeouts?>(nil)

    /// Initialises libgit2 once per process: thread safety, no system or user Git configuration
    /// read (a job must not depend on the host's `~/.gitconfig`), timeouts. It leaves signal
    /// handling alone: the program calls ``ignoreSIGPIPE()`` at start-up.
    package static func initialize() {
        state.withLock { current in
            guard current == nil else { return }
            git_libgit2_init()
            for level in [GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_PROGRAMDATA] {
                _ = jobcore_git_set_search_path(Int32(level.rawValue), "")
            }
            _ = jobcore_git_set_user_agent("JobCore")
            _ = jobcore_git_set_strict_hash_verification(0)
            _ = jobcore_git_stream_register()
            let defaults = Timeouts()
            apply(defaults)
            current = defaults
        }
    }

    /// Makes libgit2 check, for every object it reads, that the content hashes to the object's id
    /// (process-wide, from now on). The repository cache turns it on: its mirrors are shared
    /// files that a job could change.
    package static func verifyObjectIDs() {
        initialize()
        _ = jobcore_git_set_strict_hash_verification(1)
    }

    /// Sets the connect and I/O timeouts for every later Git connection of this process.
    public static func configure(timeouts: Timeouts) {
        initialize()
        state.withLock { current in
            apply(timeouts)
            current = timeouts
        }
    }

    /// The timeouts in force.
    public static var timeouts: Timeouts {
        initialize()
        return state.withLock { $0 ?? Timeouts() }
    }

    private static func apply(_ timeouts: Timeouts) {
        _ = jobcore_git_set_server_connect_timeout(milliseconds(timeouts.connect))
        _ = jobcore_git_set_server_timeout(milliseconds(timeouts.io))
        jobcore_git_stream_set_timeouts(milliseconds(timeouts.connect), milliseconds(timeouts.io))
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(clamping: Int64(duration.timeInterval * 1000))
    }

    /// The version and features of the libgit2 this process uses.
    public static var info: Info {
        initialize()
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        git_libgit2_version(&major, &minor, &patch)
        let features = git_libgit2_features()
        return Info(
            version: "\(major).\(minor).\(patch)",
            threads: features & Int32(GIT_FEATURE_THREADS.rawValue) != 0,
            https: features & Int32(GIT_FEATURE_HTTPS.rawValue) != 0,
            ssh: features & Int32(GIT_FEATURE_SSH.rawValue) != 0,
            shallow: (major, minor) >= (1, 7)
        )
    }
}
