extension Worker {
    /// When a draining worker considers its work done and returns from ``Worker/run()``.
    ///
    /// Both modes look only at the worker's queue and at the kinds it has handlers for, and
    /// both wait for the jobs this worker runs to end first.
    ///
    /// A draining worker *returns*: in a swift-service-lifecycle `ServiceGroup`, a service that
    /// returns ends the group unless it was added with a termination behaviour that says
    /// otherwise — `successTerminationBehavior: .gracefullyShutdownGroup` to stop the whole
    /// group once the work is drained (a batch process), or `.ignore` to let the other services
    /// run on. A worker beside an HTTP server should not drain at all.
    public struct DrainMode: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case whenNothingQueued, whenNothingDue
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Returns once no job is queued (due now *or* scheduled later, such as a failed job
        /// waiting for its retry back-off) and none is running, in any process on the store.
        /// Meanwhile the worker sleeps on its clock and looks again every
        /// ``Worker/Configuration/pollInterval`` (or sooner, when a job is enqueued or ends in
        /// this process), so a scheduled retry runs once its time comes. This is what
        /// "run everything, including retries, then stop" needs: scripts, tests, batch jobs.
        public static let whenNothingQueued = DrainMode(.whenNothingQueued)

        /// Returns as soon as no job is due *now* and none runs here: jobs scheduled for later,
        /// including failed jobs waiting for their retry back-off, stay queued for another
        /// worker (or a later run).
        public static let whenNothingDue = DrainMode(.whenNothingDue)

        public var description: String { base.rawValue }

        /// The states that keep a draining worker running, and whether only due jobs count.
        var waitsFor: (states: Set<JobState>, dueOnly: Bool) {
            switch base {
            case .whenNothingQueued: ([.queued, .running], false)
            case .whenNothingDue: ([.queued], true)
            }
        }
    }
}
