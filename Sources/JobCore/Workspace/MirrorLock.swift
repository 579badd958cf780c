import Foundation
import Synchronization

/// An exclusive lock on one mirror of the repository cache, across processes: `flock(2)` on a
/// lock file next to the mirror. The kernel releases it when its holder exits, so a crashed
/// updater never blocks the next one. The descriptor is close-on-exec: a job's command does not
/// inherit it.
final class MirrorLock: Sendable {
    private let descriptor: Int32
    private let released = Atomic<Bool>(false)

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { release() }

    /// Takes the lock at `path` (never through a symbolic link; a FIFO put in its place does not
    /// block the open), waiting while another process or task holds it. Blocks: call on
    /// a dedicated thread. Returns `nil` when `wait` is false and the lock is held elsewhere.
    /// - Parameter cancelled: polled while waiting; when it returns true, throws a cancellation.
    static func acquire(_ path: String, wait: Bool = true, cancelled: () -> Bool = { false }) throws -> MirrorLock? {
        var delay: UInt32 = 1_000
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
            guard descriptor >= 0 else {
                throw GitError(.other, "cannot open the cache lock \(path): \(String(cString: strerror(errno)))")
            }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                // The file may have been removed (a mirror evicted) between open and flock: a
                // lock on an unlinked file protects nothing, so start again on the new file.
                var held = stat(), current = stat()
                if fstat(descriptor, &held) == 0, stat(path, &current) == 0, held.st_ino == current.st_ino, held.st_dev == current.st_dev {
                    return MirrorLock(descriptor: descriptor)
                }
                close(descriptor)
                continue
            }
            let reason = errno
            close(descriptor)
            guard reason == EWOULDBLOCK || reason == EINTR else {
                throw GitError(.other, "cannot lock \(path): \(String(cString: strerror(reason)))")
            }
            guard wait else { return nil }
            if cancelled() { throw GitError(.cancelled, "waiting for the repository cache was cancelled") }
            usleep(delay)
            delay = min(delay * 2, 20_000)
        }
    }

    /// Releases the lock (once; later calls do nothing).
    func release() {
        if !released.exchange(true, ordering: .acquiringAndReleasing) { close(descriptor) }
    }
}
