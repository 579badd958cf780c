/// The runners' bookkeeping: one runner runs one job at a time and loops to the next.
///
/// `@unchecked Sendable`: both properties are read and written only under the queue's mutex.
final class QueueRunner: @unchecked Sendable {
    /// The runner's task, once spawned.
    var task: Task<Void, Never>?
    /// Set when the running job must be cancelled: the runner's task is cancelled, and the runner
    /// stops after that job, because a cancelled task stays cancelled.
    var isDoomed = false

    init() {}
}
