/// Callers of `waitUntil` waiting for the queue to reach a condition.
extension QueueState {
    enum Condition {
        case queue(@Sendable (InProcessJobQueue.Statistics) -> Bool)
        case key(String, @Sendable (JobQueueCounts) -> Bool)
    }

    struct Watcher {
        let id: UInt64
        let condition: Condition
        let continuation: CheckedContinuation<Void, Never>
    }

    /// Registers a watcher unless its condition already holds or its task is cancelled. Returns
    /// whether it was registered.
    mutating func addWatcher(_ watcher: Watcher, isCancelled: Bool) -> Bool {
        guard !isCancelled, !holds(watcher.condition) else { return false }
        watchers.append(watcher)
        return true
    }

    /// Removes the watcher `id` and returns its continuation, unless it was already resumed.
    mutating func removeWatcher(_ id: UInt64) -> CheckedContinuation<Void, Never>? {
        guard let index = watchers.firstIndex(where: { $0.id == id }) else { return nil }
        return watchers.remove(at: index).continuation
    }

    /// Removes and returns the watchers whose condition now holds.
    mutating func takeSatisfiedWatchers() -> [CheckedContinuation<Void, Never>] {
        var satisfied: [CheckedContinuation<Void, Never>] = []
        var remaining: [Watcher] = []
        for watcher in watchers {
            if holds(watcher.condition) {
                satisfied.append(watcher.continuation)
            } else {
                remaining.append(watcher)
            }
        }
        watchers = remaining
        return satisfied
    }

    mutating func makeWatcherID() -> UInt64 {
        nextWatcherID += 1
        return nextWatcherID
    }

    private func holds(_ condition: Condition) -> Bool {
        switch condition {
        case .queue(let predicate): predicate(statistics)
        case .key(let key, let predicate): predicate(counts(forKey: key))
        }
    }
}
