public import Foundation

/// The effect of one transition, computed by ``JobLifecycle`` and written by a store as a unit:
/// the record after, the run record to start or finish, and the events to append.
@_spi(JobStoreImplementation)
public struct JobChange: Sendable {
    /// What happens to the run record of an attempt.
    public enum RunChange: Sendable, Hashable {
        /// A claim starts a new run.
        case start(JobRun)
        /// Renewed insights of the running attempt with this epoch.
        case insights(epoch: Int64, [String: Double])
        /// The attempt with this epoch ended.
        case finish(
            epoch: Int64, outcome: JobRun.Outcome, at: Date, error: String?, exitCode: Int32?,
            insights: [String: Double]
        )
    }

    /// An event before the store gives it a sequence number.
    public struct Event: Sendable, Hashable {
        /// What happened.
        public var kind: JobEvent.Kind
        /// The job's state after the event.
        public var state: JobState
        /// The epoch concerned, if any.
        public var epoch: Int64?
        /// Detail.
        public var message: String?

        /// The stored event.
        public func event(jobID: JobID, sequence: Int64, at: Date) -> JobEvent {
            JobEvent(jobID: jobID, sequence: sequence, at: at, kind: kind, state: state, epoch: epoch, message: message)
        }
    }

    /// The record before the transition; `nil` for an enqueue.
    public var before: JobRecord?
    /// The record after the transition.
    public var after: JobRecord
    /// The run record change, if any.
    public var run: RunChange?
    /// Events to append, in order (a heartbeat appends none).
    public var events: [Event]

    /// Whether the job left or entered `running`: +1, -1 or 0, for per-key running counts.
    public var runningDelta: Int {
        let was = before?.state == .running ? 1 : 0
        let isNow = after.state == .running ? 1 : 0
        return isNow - was
    }
}
