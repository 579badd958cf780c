import HTTPTypes
import Hummingbird
import JobCore

extension JobCoreAPI {
    /// The route table: every route the API serves, in the order of the OpenAPI document, with
    /// the scope a token needs for it (`nil`: open to anyone).
    var routes: [Route] {
        [
            Route(.post, "/v1/jobs", scope: .operate, createJob),
            Route(.get, "/v1/jobs", scope: .read, listJobs),
            Route(.delete, "/v1/jobs", scope: .admin, purgeJobs),
            Route(.get, "/v1/jobs/{id}", scope: .read, getJob),
            Route(.patch, "/v1/jobs/{id}", scope: .operate, updateJob),
            Route(.delete, "/v1/jobs/{id}", scope: .admin, purgeJob),
            Route(.post, "/v1/jobs/{id}/cancel", scope: .operate, cancelJob),
            Route(.post, "/v1/jobs/{id}/kill", scope: .operate, killJob),
            Route(.post, "/v1/jobs/{id}/retry", scope: .operate, retryJob),
            Route(.get, "/v1/jobs/{id}/runs", scope: .read, listRuns),
            Route(.get, "/v1/jobs/{id}/events", scope: .read, listEvents),
            Route(.get, "/v1/jobs/{id}/logs", scope: .read, readLog),
            Route(.get, "/v1/jobs/{id}/events/stream", scope: .read, streamEvents),
            Route(.get, "/v1/jobs/{id}/logs/stream", scope: .read, streamLog),
            Route(.get, "/v1/health", scope: .read, health),
            Route(.get, "/v1/workers", scope: .read, listWorkers),
            Route(.post, "/v1/workers/{id}/drain", scope: .operate, drainWorker),
            Route(.post, "/v1/workspaces/sweep", scope: .admin, sweepWorkspaces),
            Route(.get, "/openapi.json", scope: nil, openAPIDocument),
            Route(.get, "/metrics", scope: .read, metrics),
        ]
    }
}
