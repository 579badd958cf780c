import Foundation
#if canImport(Glibc)
import Glibc
#endif
@_spi(JobStoreImplementation) import JobCore
import Synchronization

/// Wake-ups across the processes that share one SQLite store on a host: the file `PATH-wake`
/// beside the database. A process that made jobs claimable (an enqueue, a retry, a release)
/// writes one byte to it after its commit; every process with a waiting worker watches it with
/// inotify, and the change fires that store's ``JobSignal``, so an idle worker in another
/// process claims at once instead of at its next poll.
///
/// Nothing depends on it for correctness: a worker still polls at its interval, and a lost
/// wake-up only delays a job until then. A process that crashes leaves only the file, which
/// the next one reuses (the kernel drops its watches). The file is opened without following a
/// symbolic link and without blocking on a FIFO, so a job that puts one in its place cannot
/// make the store write elsewhere or hang. On systems without inotify (macOS) workers poll.
final class SQLiteWakeFile: Sendable {
    let path: String
    private let enabled: Bool
    /// Whether this process watches the file for `signal` (reset when the file is replaced).
    private let watching = Atomic<Bool>(false)

    init(databasePath: String, enabled: Bool) {
        path = databasePath + "-wake"
        self.enabled = enabled
    }

    /// Tells the other processes' waiting workers that jobs became claimable.
    func post() {
        #if os(Linux)
        guard enabled else { return }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        var byte: UInt8 = 1
        _ = pwrite(descriptor, &byte, 1, 0)
        close(descriptor)
        #endif
    }

    /// Makes `signal` fire whenever a process posts; cheap once watching (every wait calls it).
    func watch(_ signal: JobSignal) {
        #if os(Linux)
        guard enabled, !watching.load(ordering: .acquiring), let watcher = InotifyWatcher.shared else { return }
        // The watch needs the file: create it (never through a link, never opening a FIFO).
        let descriptor = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        close(descriptor)
        if watcher.watch(path, signal: signal, lost: { [weak self] in self?.watching.store(false, ordering: .releasing) }) {
            watching.store(true, ordering: .releasing)
        }
        #endif
    }

    /// Stops firing `signal` (the store is going away).
    func unwatch(_ signal: JobSignal) {
        #if os(Linux)
        // A store that never watched (`jobctl enqueue`) does not start the watcher here.
        guard watching.load(ordering: .acquiring) else { return }
        InotifyWatcher.shared?.unwatch(signal)
        #endif
    }
}

#if os(Linux)
/// One inotify instance per process, read by a thread of its own (blocking reads never run on
/// Swift's cooperative pool), that fires the signals registered for each watched file.
final class InotifyWatcher: Sendable {
    /// `nil` when the process cannot have an inotify instance (then workers poll).
    static let shared: InotifyWatcher? = InotifyWatcher()

    private struct Registration {
        let signal: JobSignal
        let lost: @Sendable () -> Void
    }

    private let descriptor: Int32
    /// Watch descriptor → the signals it fires, by signal.
    private let watches = Mutex<[Int32: [ObjectIdentifier: Registration]]>([:])

    private init?() {
        descriptor = inotify_init1(Int32(IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        let thread = Thread { [self] in readEvents() }
        thread.name = "jobcore-sqlite-wake"
        thread.start()
    }

    /// Fires `signal` when `path` changes; `lost` is called when the file is removed or
    /// replaced (the watch then ends). Returns whether the watch was set.
    func watch(_ path: String, signal: JobSignal, lost: @escaping @Sendable () -> Void) -> Bool {
        let mask = UInt32(IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) | UInt32(IN_DONT_FOLLOW)
        // Under the lock, so that an event read meanwhile finds the registration.
        return watches.withLock { watches in
            let watch = inotify_add_watch(descriptor, path, mask)
            guard watch >= 0 else { return false }
            watches[watch, default: [:]][ObjectIdentifier(signal)] = Registration(signal: signal, lost: lost)
            return true
        }
    }

    func unwatch(_ signal: JobSignal) {
        watches.withLock { watches in
            for (watch, registrations) in watches where registrations[ObjectIdentifier(signal)] != nil {
                watches[watch]?[ObjectIdentifier(signal)] = nil
                if watches[watch]?.isEmpty == true {
                    watches[watch] = nil
                    _ = inotify_rm_watch(descriptor, watch)
                }
            }
        }
    }

    private func readEvents() {
        let capacity = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer, capacity)
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            // Each event: wd (Int32), mask (UInt32), cookie (UInt32), len (UInt32), name.
            var fired: Set<Int32> = [], ended: Set<Int32> = []
            var offset = 0
            while offset + 16 <= count {
                let watch = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)
                fired.insert(watch)
                if mask & UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) != 0 { ended.insert(watch) }
                offset += 16 + Int(length)
            }
            let (signals, lost) = watches.withLock { watches in
                let signals = fired.flatMap { watches[$0].map { Array($0.values) } ?? [] }.map(\.signal)
                var lost: [@Sendable () -> Void] = []
                for watch in ended {
                    lost += watches.removeValue(forKey: watch).map { $0.values.map(\.lost) } ?? []
                    _ = inotify_rm_watch(descriptor, watch)
                }
                return (signals, lost)
            }
            // A replaced file is watched again at the next wait; the waiters look for work now.
            lost.forEach { $0() }
            signals.forEach { $0.notify() }
        }
    }
}
#endif
