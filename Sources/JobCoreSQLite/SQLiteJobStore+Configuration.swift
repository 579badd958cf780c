extension SQLiteJobStore {
    /// How the SQLite store opens and uses its file.
    public struct Configuration: Sendable {
        /// How long a write waits for another process's write lock before failing.
        /// Defaults to 10 seconds.
        public var busyTimeout: Duration
        /// The most output bytes kept per job. Defaults to 1 MiB.
        public var maxLogBytes: Int
        /// With `true`, every commit is flushed to disk (`synchronous = FULL`): nothing is lost
        /// even on power loss. With `false` (`NORMAL`, the WAL default), a power loss may lose
        /// the last commits but never corrupts the file, and a crash of the process loses
        /// nothing. Defaults to `false`.
        public var fullSync: Bool
        /// The most concurrent read connections. Defaults to 4.
        public var maximumReaderCount: Int
        /// SQLite's page cache per connection, in MiB: large enough for the indexes' upper
        /// levels keeps claims flat at millions of rows. Defaults to 32.
        public var cacheSizeMiB: Int
        /// Whether workers in other processes on this host are woken when this store makes
        /// jobs claimable, instead of finding them at their next poll (Linux: a byte written to
        /// the file `PATH-wake`, watched with inotify by processes with a waiting worker).
        /// Defaults to `true`.
        public var crossProcessWakeUp = true

        /// Creates a configuration; every parameter has the documented default.
        public init(
            busyTimeout: Duration = .seconds(10), maxLogBytes: Int = 1 << 20, fullSync: Bool = false,
            maximumReaderCount: Int = 4, cacheSizeMiB: Int = 32
        ) {
            self.busyTimeout = busyTimeout
            self.maxLogBytes = maxLogBytes
            self.fullSync = fullSync
            self.maximumReaderCount = maximumReaderCount
            self.cacheSizeMiB = cacheSizeMiB
        }
    }
}
