/// What a claim asks for.
@_spi(JobStoreImplementation)
public struct ClaimRequest: Sendable, Hashable {
    /// The claiming worker; it becomes the lease holder.
    public var workerID: String
    /// The most jobs to claim. Defaults to 1.
    public var limit: Int
    /// How long the lease lasts unless renewed. Defaults to 30 seconds.
    public var lease: Duration
    /// The most jobs of one concurrency key running at once, across every process on the
    /// store. Defaults to 1.
    public var keyLimit: Int
    /// The queue to claim from. Defaults to `default`.
    public var queue: String
    /// Only these kinds (the kinds the worker has handlers for); `nil` claims any kind.
    /// Defaults to `nil`.
    public var kinds: Set<String>?

    /// Creates a claim request; every parameter but the worker has the documented default.
    public init(
        workerID: String, limit: Int = 1, lease: Duration = .seconds(30), keyLimit: Int = 1,
        queue: String = JobOptions.defaultQueue, kinds: Set<String>? = nil
    ) {
        self.workerID = workerID
        self.limit = limit
        self.lease = lease
        self.keyLimit = keyLimit
        self.queue = queue
        self.kinds = kinds
    }
}
