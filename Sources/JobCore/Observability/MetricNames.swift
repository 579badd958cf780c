/// The names of JobCore's metrics (see docs/metrics.md) and the histogram buckets that suit them.
///
/// A Prometheus backend takes its buckets per metric name: pass ``durationBuckets`` and
/// ``valueBuckets`` to it (`jobctl worker --metrics-listen` does).
public enum MetricNames {
    // Jobs, by queue and kind (enqueue and worker).
    /// Counter `{queue, kind}`: jobs created by an enqueue.
    public static let jobsEnqueued = "jobcore_jobs_enqueued_total"
    /// Counter `{queue, kind}`: enqueues answered with an existing job (idempotency key).
    public static let jobsDeduplicated = "jobcore_jobs_deduplicated_total"
    /// Counter `{queue, kind}`: attempts claimed by workers.
    public static let jobsClaimed = "jobcore_jobs_claimed_total"
    /// Counter `{queue, kind, outcome}`: attempts ended, by outcome.
    public static let jobsEnded = "jobcore_jobs_ended_total"
    /// Counter `{queue, kind}`: failed attempts queued again for a retry.
    public static let jobsRetried = "jobcore_jobs_retried_total"
    /// Counter `{queue, kind}`: expired leases returned to the queue (or failed) by a reaper.
    public static let jobsReaped = "jobcore_jobs_reaped_total"
    /// Counter `{queue, operation}`: writes the store refused for a stale epoch.
    public static let staleEpochRefusals = "jobcore_stale_epoch_refusals_total"
    /// Histogram `{queue, kind}`: from a job's run-at (enqueue or retry time) to its claim.
    public static let pickupLatency = "jobcore_job_pickup_latency_seconds"
    /// Histogram `{queue, kind}`: from claim to the end of the handler.
    public static let runDuration = "jobcore_job_run_duration_seconds"
    /// Histogram `{queue}`: one claim call to the store.
    public static let claimDuration = "jobcore_store_claim_duration_seconds"
    /// Histogram `{queue}`: one batched finish call to the store.
    public static let finishDuration = "jobcore_store_finish_duration_seconds"
    /// Histogram `{queue}`: how late a heartbeat tick ran.
    public static let heartbeatLag = "jobcore_worker_heartbeat_lag_seconds"
    /// Gauge `{queue}`: attempts running in a worker.
    public static let runningAttempts = "jobcore_worker_running_attempts"
    /// Gauge `{queue}`: a worker's free slots.
    public static let freeSlots = "jobcore_worker_free_slots"

    // The store, sampled (JobStoreGauges).
    /// Gauge `{state}`: jobs per state.
    public static let storeJobs = "jobcore_store_jobs"
    /// Gauge: queued jobs whose run-at has passed.
    public static let storeDueJobs = "jobcore_store_due_jobs"
    /// Gauge: workers seen recently.
    public static let storeWorkers = "jobcore_store_workers"
    /// Gauge: the summed concurrency of the workers seen recently.
    public static let storeCapacity = "jobcore_store_capacity"
    /// Gauge: seconds the oldest running attempt has run (0 when none runs).
    public static let storeOldestRunningAge = "jobcore_store_oldest_running_age_seconds"
    /// Gauge: seconds since the run-at of the oldest due job (0 when none is due).
    public static let storeOldestDueAge = "jobcore_store_oldest_due_age_seconds"
    /// Gauge `{queue, state}`: a queue's jobs waiting, queued or running.
    public static let storeQueueJobs = "jobcore_store_queue_jobs"
    /// Gauge `{queue}`: a queue's due jobs.
    public static let storeQueueDueJobs = "jobcore_store_queue_due_jobs"
    /// Gauge `{queue}`: seconds since the run-at of a queue's oldest due job (0 when none is due).
    public static let storeQueueOldestDueAge = "jobcore_store_queue_oldest_due_age_seconds"
    /// Histogram: one sample (the store's health query).
    public static let storeSampleDuration = "jobcore_store_sample_duration_seconds"
    /// Counter: samples that failed.
    public static let storeSampleFailures = "jobcore_store_sample_failures_total"

    // Git and workspaces.
    /// Histogram `{result}`: one clone.
    public static let gitCloneDuration = "jobcore_git_clone_duration_seconds"
    /// Histogram: bytes received by a successful clone.
    public static let gitCloneBytes = "jobcore_git_clone_received_bytes"
    /// Histogram `{result}`: one push.
    public static let gitPushDuration = "jobcore_git_push_duration_seconds"
    /// Histogram `{result}`: creating a workspace, its clone included.
    public static let workspaceCreateDuration = "jobcore_workspace_create_duration_seconds"
    /// Counter: workspaces only partly removed by their cleanup.
    public static let workspaceCleanupFailures = "jobcore_workspace_cleanup_failures_total"
    /// Counter: stale workspaces removed by sweeps.
    public static let workspaceSweepRemoved = "jobcore_workspace_sweep_removed_total"
    /// Counter `{outcome}`: workspaces made through the repository cache, by what the mirror
    /// needed: `hit` (nothing fetched), `update` (an incremental fetch), `fill` (a new mirror),
    /// `rebuild` (a corrupt mirror replaced).
    public static let workspaceCacheRequests = "jobcore_workspace_cache_requests_total"
    /// Counter: mirrors evicted from the repository cache to keep it under its size limit.
    public static let workspaceCacheEvictions = "jobcore_workspace_cache_evictions_total"

    // Tokens.
    /// Counter `{provider}`: tokens asked for.
    public static let tokenRequests = "jobcore_token_requests_total"
    /// Counter `{provider}`: requests answered from the cache.
    public static let tokenCacheHits = "jobcore_token_cache_hits_total"
    /// Counter `{provider}`: requests that ended in an error.
    public static let tokenRefusals = "jobcore_token_refusals_total"

    private static func seconds(_ values: [Double]) -> [Duration] {
        values.map { .nanoseconds(Int64(($0 * 1e9).rounded())) }
    }

    /// Buckets for the `_seconds` histograms, by name.
    public static let durationBuckets: [String: [Duration]] = {
        let store = seconds([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5])
        let pickup = seconds([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600])
        let run = seconds([0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600])
        let git = seconds([0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600])
        return [
            pickupLatency: pickup, runDuration: run, claimDuration: store, finishDuration: store,
            heartbeatLag: seconds([0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10]), storeSampleDuration: store,
            gitCloneDuration: git, gitPushDuration: git, workspaceCreateDuration: git,
        ]
    }()

    /// Buckets for the other histograms, by name.
    public static let valueBuckets: [String: [Double]] = [
        gitCloneBytes: [1024, 16_384, 131_072, 1_048_576, 4_194_304, 16_777_216, 67_108_864, 268_435_456, 1_073_741_824],
    ]
}
