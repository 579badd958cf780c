public import Logging

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

    /// Logs what validation repaired as a warning (nothing when it found nothing to do): what
    /// every store's `validate()` reports.
    @_spi(JobStoreImplementation)
    public func logRepairs(to logger: Logger) {
        guard !isClean else { return }
        logger.warning("store validated", metadata: [
            "quarantined": "\(quarantined.map(\.id))", "orphan.runs": "\(orphanRunsRemoved)",
            "orphan.events": "\(orphanEventsRemoved)", "orphan.logs": "\(orphanLogsRemoved)",
        ])
    }
}
