/// When a job with dependencies (``JobOptions/dependsOn``) may run.
public enum DependencyMode: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// When every dependency succeeded. A dependency that fails or is cancelled cancels the job,
    /// with a reason naming it, and so on down the graph.
    case succeeded
    /// When every dependency has ended, however it ended.
    case finished

    public var description: String { rawValue }
}
