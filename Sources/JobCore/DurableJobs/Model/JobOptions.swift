public import Foundation

/// How a new job is scheduled: queue, concurrency key, priority, timing and attempts.
public struct JobOptions: Sendable, Hashable {
    /// The queue the job belongs to; workers claim from one queue. Defaults to `default`.
    public var queue: String
    /// The concurrency key (a tenant: an installation, a repository). Jobs that share a key run
    /// at most the claimer's key limit at a time, across every process on the store. `nil` means
    /// no per-key limit. Defaults to `nil`.
    public var key: String?
    /// Higher runs first. Defaults to 0.
    public var priority: Int
    /// The earliest time the job may run; `nil` means now. Defaults to `nil`.
    public var runAt: Date?
    /// Attempts allowed in total, including the first. Defaults to 3.
    public var maxAttempts: Int
    /// How long one attempt may run before it is stopped and the job fails as timed out.
    /// Defaults to 1 hour.
    public var timeout: Duration
    /// While a job with this key exists (until it is purged), enqueueing another job with the
    /// same key returns the existing job. Defaults to `nil`.
    public var idempotencyKey: String?
    /// Jobs that must end before this one runs: each must exist when this job is enqueued (or
    /// come earlier in the same batch), so a graph of dependencies never has a cycle. Until they
    /// have ended the job is ``JobState/waiting``. Defaults to none.
    public var dependsOn: [JobID]
    /// What the dependencies must do for this job to run. Defaults to
    /// ``DependencyMode/succeeded``.
    public var dependencyMode: DependencyMode

    /// Creates options; every parameter has the documented default.
    public init(
        queue: String = JobOptions.defaultQueue,
        key: String? = nil,
        priority: Int = 0,
        runAt: Date? = nil,
        maxAttempts: Int = 3,
        timeout: Duration = .seconds(3600),
        idempotencyKey: String? = nil,
        dependsOn: [JobID] = [],
        dependencyMode: DependencyMode = .succeeded
    ) {
        self.queue = queue
        self.key = key
        self.priority = priority
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.idempotencyKey = idempotencyKey
        self.dependsOn = dependsOn
        self.dependencyMode = dependencyMode
    }

    /// The longest concurrency key, and the longest queue name, in UTF-8 bytes: 256.
    public static let maximumKeyLength = 256
    /// The longest idempotency key, in UTF-8 bytes: 512.
    public static let maximumIdempotencyKeyLength = 512

    /// The name of the queue used when none is given.
    public static let defaultQueue = "default"

    /// The longest time limit of one attempt a store accepts: 365 days.
    public static let maximumTimeout: Duration = .seconds(365 * 86_400)
    /// How far in the future a job may be scheduled (`runAt`): 10 years from now.
    public static let maximumDelay: Duration = .seconds(3650 * 86_400)
    /// The most attempts a job may have: 1,000.
    public static let maximumAttempts = 1000
    /// The most dependencies one job may have: 10,000.
    public static let maximumDependencies = 10_000
}
