import HTTPTypes
import Hummingbird

extension JobCoreAPI {
    /// The route table: every route the API serves, in the order of the OpenAPI document.
    var routes: [Route] {
        [
            Route(.post, "/v1/jobs", createJob),
            Route(.get, "/v1/jobs", listJobs),
            Route(.delete, "/v1/jobs", purgeJobs),
            Route(.get, "/v1/jobs/{id}", getJob),
            Route(.patch, "/v1/jobs/{id}", updateJob),
            Route(.delete, "/v1/jobs/{id}", purgeJob),
            Route(.post, "/v1/jobs/{id}/cancel", cancelJob),
            Route(.post, "/v1/jobs/{id}/kill", killJob),
            Route(.post, "/v1/jobs/{id}/retry", retryJob),
            Route(.get, "/v1/jobs/{id}/runs", listRuns),
            Route(.get, "/v1/jobs/{id}/events", listEvents),
            Route(.get, "/v1/jobs/{id}/logs", readLog),
            Route(.get, "/v1/health", health),
            Route(.get, "/openapi.json", openAPIDocument),
            Route(.get, "/metrics", metrics),
        ]
    }
}
