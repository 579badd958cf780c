/// The state of one concurrency key while it has jobs waiting or running. It is dropped as soon
/// as it has neither, so memory does not grow with the number of keys ever seen.
///
/// Only the queue's state machine touches it, under the queue's mutex.
final class KeyState {
    /// Whether the key sits in the ring of keys that can start a job.
    enum RingMembership {
        /// Not in the ring.
        case out
        /// In the ring: it has waiting jobs and is below its limit.
        case live
        /// Still in the ring, but its waiting jobs were removed; skipped when reached.
        case stale
    }

    let key: ConcurrencyKey
    let limit: Int
    /// Jobs running under this key.
    var running = 0
    /// Jobs waiting under this key (not counting removed ones still in `queue`).
    var waiting = 0
    /// The waiting jobs, possibly with removed ones that are skipped when reached.
    var queue = KeyQueue()
    var ring = RingMembership.out

    init(key: ConcurrencyKey, limit: Int) {
        self.key = key
        self.limit = limit
    }

    /// Whether the key can start a job now, global limit permitting.
    var isReady: Bool { waiting > 0 && running < limit }

    /// Whether the key has nothing waiting or running, so its state can be dropped.
    var isIdle: Bool { waiting == 0 && running == 0 }
}
