public import Foundation

/// What start-up validation found and did.
public struct JobStoreValidation: Sendable, Hashable, Codable {
    /// Records that could not be decoded and were moved to quarantine by this validation.
    public var quarantined: [QuarantinedJob]
    /// Run records whose job no longer exists, removed.
    public var orphanRunsRemoved: Int
    /// Events whose job no longer exists, removed.
    public var orphanEventsRemoved: Int
    /// Log data whose job no longer exists, removed.
    public var orphanLogsRemoved: Int

    /// Creates a report.
    public init(quarantined: [QuarantinedJob] = [], orphanRunsRemoved: Int = 0, orphanEventsRemoved: Int = 0, orphanLogsRemoved: Int = 0) {
        self.quarantined = quarantined
        self.orphanRunsRemoved = orphanRunsRemoved
        self.orphanEventsRemoved = orphanEventsRemoved
        self.orphanLogsRemoved = orphanLogsRemoved
    }

    /// Whether validation found nothing to do.
    public var isClean: Bool {
        quarantined.isEmpty && orphanRunsRemoved == 0 && orphanEventsRemoved == 0 && orphanLogsRemoved == 0
    }
}
