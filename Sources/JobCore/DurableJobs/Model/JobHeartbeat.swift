/// A lease renewal for one running attempt.
@_spi(JobStoreImplementation)
public struct JobHeartbeat: Sendable, Hashable {
    /// The job.
    public var id: JobID
    /// The epoch returned by the claim.
    public var epoch: Int64
    /// Insights recorded so far, stored on the run so they are visible while it runs.
    public var insights: [String: Double]

    /// Creates a renewal.
    public init(id: JobID, epoch: Int64, insights: [String: Double] = [:]) {
        self.id = id
        self.epoch = epoch
        self.insights = insights
    }
}
