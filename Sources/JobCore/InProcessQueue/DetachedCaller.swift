/// A caller removed from a job, to be resumed outside the lock.
protocol DetachedCaller: Sendable {
    func resume(throwing error: any Error)
}
