import CoreMetrics
import Foundation
import Tracing

/// Metrics and spans of Git, workspaces and tokens, recorded through the bootstrapped backends
/// (docs/metrics.md). Each call first checks for a backend, so without one they cost a type
/// check; the operations they measure take milliseconds at least.
enum ComponentMetrics {
    static var factory: (any MetricsFactory)? {
        Observability().activeMetricsFactory
    }

    static func result(_ success: Bool) -> [(String, String)] {
        [("result", success ? "success" : "failure")]
    }

    static func clone(since start: ContinuousClock.Instant, receivedBytes: Int?) {
        guard let factory else { return }
        CoreMetrics.Timer(label: MetricNames.gitCloneDuration, dimensions: result(receivedBytes != nil), factory: factory).recordDuration(.now - start)
        if let receivedBytes {
            Recorder(label: MetricNames.gitCloneBytes, factory: factory).record(receivedBytes)
        }
    }

    static func push(since start: ContinuousClock.Instant, success: Bool) {
        guard let factory else { return }
        CoreMetrics.Timer(label: MetricNames.gitPushDuration, dimensions: result(success), factory: factory).recordDuration(.now - start)
    }

    static func workspaceCreated(since start: ContinuousClock.Instant, success: Bool) {
        guard let factory else { return }
        CoreMetrics.Timer(label: MetricNames.workspaceCreateDuration, dimensions: result(success), factory: factory).recordDuration(.now - start)
    }

    static func workspaceCleanupFailed() {
        guard let factory else { return }
        Counter(label: MetricNames.workspaceCleanupFailures, factory: factory).increment()
    }

    static func workspacesSwept(_ count: Int) {
        guard let factory, count > 0 else { return }
        Counter(label: MetricNames.workspaceSweepRemoved, factory: factory).increment(by: count)
    }

    static func cacheRequest(_ outcome: RepositoryCache.Outcome) {
        guard let factory else { return }
        Counter(label: MetricNames.workspaceCacheRequests, dimensions: [("outcome", outcome.rawValue)], factory: factory).increment()
    }

    static func cacheEvicted(_ count: Int) {
        guard let factory, count > 0 else { return }
        Counter(label: MetricNames.workspaceCacheEvictions, factory: factory).increment(by: count)
    }

    /// Attributes of a repository for spans: host, owner and name (never the URL).
    static func setRepositoryAttributes(_ span: (any Span)?, _ source: RepositorySource) {
        guard let span else { return }
        if source.isLocal {
            span.attributes["jobcore.git.local"] = true
        } else if let host = URLComponents(string: source.location)?.host {
            span.attributes["server.address"] = host
        }
        if let owner = source.owner { span.attributes["vcs.owner.name"] = owner }
        if let name = source.name { span.attributes["vcs.repository.name"] = name }
    }
}

/// Token metrics, for token providers (`GitHubAppTokenProvider` records them).
public enum TokenMetrics {
    /// Records a token request by `provider` (a fixed name such as `github_app`, never a tenant),
    /// whether the cache answered it, and whether it ended in an error.
    public static func record(provider: String, cacheHit: Bool, refused: Bool) {
        guard let factory = ComponentMetrics.factory else { return }
        let labels = [("provider", provider)]
        Counter(label: MetricNames.tokenRequests, dimensions: labels, factory: factory).increment()
        if cacheHit { Counter(label: MetricNames.tokenCacheHits, dimensions: labels, factory: factory).increment() }
        if refused { Counter(label: MetricNames.tokenRefusals, dimensions: labels, factory: factory).increment() }
    }
}
