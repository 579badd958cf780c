/// What the holder of an access token to the control plane (the HTTP API) may do; each scope
/// includes the ones below it.
public enum AccessScope: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// Look: list and show jobs, their runs, events and logs; health; metrics.
    case read
    /// Also act on jobs: enqueue, cancel, kill, retry, change.
    case operate
    /// Also delete: purge jobs.
    case admin

    public static func < (lhs: AccessScope, rhs: AccessScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var description: String { rawValue }
}
