import Foundation
@_spi(JobStoreImplementation) public import JobCore

/// The behaviour every `JobStore` must have, as checks a test suite can run.
///
/// Each check makes a fresh store through the factory (on a ``ManualClock``), drives it, and
/// throws ``JobStoreConformance/Failure`` when the store misbehaves. Run them from Swift Testing:
/// <!-- sample: scope=type context=my-store -->
/// ```swift
/// @Test(arguments: JobStoreConformance.Check.allCases)
/// func conformance(_ check: JobStoreConformance.Check) async throws {
///     try await JobStoreConformance { clock in MyStore(clock: clock) }.run(check)
/// }
/// ```
public struct JobStoreConformance: Sendable {
    /// Makes an empty store that reads time from the given clock.
    public typealias Factory = @Sendable (ManualClock) async throws -> any JobStore
    /// Damages the stored record of a job so that it can no longer be decoded.
    public typealias Corruptor = @Sendable (any JobStore, JobID) async throws -> Void

    /// One behaviour to check.
    public enum Check: String, CaseIterable, Sendable, CustomStringConvertible {
        case enqueueCreatesQueuedJob, enqueueBatchKeepsOrder, enqueueRejectsInvalidJobs, concurrentEnqueuesEachGetTheirOwnResults
        case idempotencyKeyReturnsExistingJob, traceContextRoundTrips
        case claimOrdersByPriorityRunAtAndID, claimWaitsForRunAt, claimHonoursKeyLimit
        case claimFindsFreeKeysBehindABusyKey, claimFiltersQueueAndKinds, claimSetsEpochLeaseAndRun
        case concurrentClaimsNeverShareAJob
        case staleEpochIsRefused, completeRecordsResultAndRun, failureRetriesUntilAttemptsAreSpent
        case timeoutFailsWithoutRetry, releaseReturnsJobWithoutSpendingAttempt
        case heartbeatRenewsLeaseAndDeliversCancel
        case cancelQueuedAndRunningJobs, cancelKeepsReasonAndStopMode, rescheduleMovesRunAtOfQueuedJob
        case purgeDeletesJobsAndRefusesUnknownIDs, manualRetryRequeuesFinishedJob
        case listFiltersAndPaginates, eventsAreOrderedAndResumable, versionIncreasesOnEveryWrite
        case reaperHandlesExpiredLeases, healthReportsCountsCapacityAndAlerts
        case logsAreBoundedFencedAndReadableFromOffset, corruptRecordIsQuarantined
        case serviceRunsUntilCancelled
        case dependentWaitsUntilItsDependenciesSucceed, failedDependencyCancelsTheChain
        case dependencyEndsByCancelLeaseOrPurge, unknownDependencyCreatesNothing
        case manualRetryWaitsAgainForUnfinishedDependencies, unblockingManyDependentsIsOneTransition
        case batchJobsDependOnEarlierOnes
        case parentWaitsForChildrenAndTakesTheirOutcome, onlyTheRunningAttemptAddsChildren
        case groupEndsWithItsChildrenAndUnblocksDependents, cancellingOrPurgingAParentCancelsItsSubtree
        case planWithChildrenIsOneBatch, checkpointIsFencedAndReachesTheNextAttempt
        case accessTokensAreKeptByHashAndRevocable
        case workerRegistryTracksDrainsAndPrunes

        public var description: String { rawValue }
    }

    /// A check that did not hold.
    public struct Failure: Error, CustomStringConvertible {
        /// The check.
        public var check: String
        /// What went wrong.
        public var message: String
        /// Where in the suite.
        public var line: UInt

        public var description: String { "\(check): \(message) (JobStoreConformance line \(line))" }
    }

    let makeStore: Factory
    let corrupt: Corruptor?

    /// Creates the suite.
    /// - Parameters:
    ///   - corrupt: damages a stored job record, for the quarantine check; `nil` for stores that
    ///     cannot hold undecodable records (the check then only verifies a clean validation).
    ///   - makeStore: makes an empty store on the given clock.
    public init(corrupt: Corruptor? = nil, makeStore: @escaping Factory) {
        self.makeStore = makeStore
        self.corrupt = corrupt
    }

    /// Runs every check, stopping at the first failure.
    /// - Throws: ``Failure`` or the store's error.
    public func runAll() async throws {
        for check in Check.allCases { try await run(check) }
    }

    /// Runs one check.
    /// - Throws: ``Failure`` or the store's error.
    public func run(_ check: Check) async throws {
        let clock = ManualClock()
        let context = Context(check: check.rawValue, store: try await makeStore(clock), clock: clock, corrupt: corrupt)
        switch check {
        case .enqueueCreatesQueuedJob: try await context.enqueueCreatesQueuedJob()
        case .enqueueBatchKeepsOrder: try await context.enqueueBatchKeepsOrder()
        case .enqueueRejectsInvalidJobs: try await context.enqueueRejectsInvalidJobs()
        case .concurrentEnqueuesEachGetTheirOwnResults: try await context.concurrentEnqueuesEachGetTheirOwnResults()
        case .idempotencyKeyReturnsExistingJob: try await context.idempotencyKeyReturnsExistingJob()
        case .traceContextRoundTrips: try await context.traceContextRoundTrips()
        case .claimOrdersByPriorityRunAtAndID: try await context.claimOrdersByPriorityRunAtAndID()
        case .claimWaitsForRunAt: try await context.claimWaitsForRunAt()
        case .claimHonoursKeyLimit: try await context.claimHonoursKeyLimit()
        case .claimFindsFreeKeysBehindABusyKey: try await context.claimFindsFreeKeysBehindABusyKey()
        case .claimFiltersQueueAndKinds: try await context.claimFiltersQueueAndKinds()
        case .claimSetsEpochLeaseAndRun: try await context.claimSetsEpochLeaseAndRun()
        case .concurrentClaimsNeverShareAJob: try await context.concurrentClaimsNeverShareAJob()
        case .staleEpochIsRefused: try await context.staleEpochIsRefused()
        case .completeRecordsResultAndRun: try await context.completeRecordsResultAndRun()
        case .failureRetriesUntilAttemptsAreSpent: try await context.failureRetriesUntilAttemptsAreSpent()
        case .timeoutFailsWithoutRetry: try await context.timeoutFailsWithoutRetry()
        case .releaseReturnsJobWithoutSpendingAttempt: try await context.releaseReturnsJobWithoutSpendingAttempt()
        case .heartbeatRenewsLeaseAndDeliversCancel: try await context.heartbeatRenewsLeaseAndDeliversCancel()
        case .cancelQueuedAndRunningJobs: try await context.cancelQueuedAndRunningJobs()
        case .cancelKeepsReasonAndStopMode: try await context.cancelKeepsReasonAndStopMode()
        case .rescheduleMovesRunAtOfQueuedJob: try await context.rescheduleMovesRunAtOfQueuedJob()
        case .purgeDeletesJobsAndRefusesUnknownIDs: try await context.purgeDeletesJobsAndRefusesUnknownIDs()
        case .manualRetryRequeuesFinishedJob: try await context.manualRetryRequeuesFinishedJob()
        case .listFiltersAndPaginates: try await context.listFiltersAndPaginates()
        case .eventsAreOrderedAndResumable: try await context.eventsAreOrderedAndResumable()
        case .versionIncreasesOnEveryWrite: try await context.versionIncreasesOnEveryWrite()
        case .reaperHandlesExpiredLeases: try await context.reaperHandlesExpiredLeases()
        case .healthReportsCountsCapacityAndAlerts: try await context.healthReportsCountsCapacityAndAlerts()
        case .logsAreBoundedFencedAndReadableFromOffset: try await context.logsAreBoundedFencedAndReadableFromOffset()
        case .corruptRecordIsQuarantined: try await context.corruptRecordIsQuarantined()
        case .serviceRunsUntilCancelled: try await context.serviceRunsUntilCancelled()
        case .dependentWaitsUntilItsDependenciesSucceed: try await context.dependentWaitsUntilItsDependenciesSucceed()
        case .failedDependencyCancelsTheChain: try await context.failedDependencyCancelsTheChain()
        case .dependencyEndsByCancelLeaseOrPurge: try await context.dependencyEndsByCancelLeaseOrPurge()
        case .unknownDependencyCreatesNothing: try await context.unknownDependencyCreatesNothing()
        case .manualRetryWaitsAgainForUnfinishedDependencies: try await context.manualRetryWaitsAgainForUnfinishedDependencies()
        case .unblockingManyDependentsIsOneTransition: try await context.unblockingManyDependentsIsOneTransition()
        case .batchJobsDependOnEarlierOnes: try await context.batchJobsDependOnEarlierOnes()
        case .parentWaitsForChildrenAndTakesTheirOutcome: try await context.parentWaitsForChildrenAndTakesTheirOutcome()
        case .onlyTheRunningAttemptAddsChildren: try await context.onlyTheRunningAttemptAddsChildren()
        case .groupEndsWithItsChildrenAndUnblocksDependents: try await context.groupEndsWithItsChildrenAndUnblocksDependents()
        case .cancellingOrPurgingAParentCancelsItsSubtree: try await context.cancellingOrPurgingAParentCancelsItsSubtree()
        case .planWithChildrenIsOneBatch: try await context.planWithChildrenIsOneBatch()
        case .checkpointIsFencedAndReachesTheNextAttempt: try await context.checkpointIsFencedAndReachesTheNextAttempt()
        case .accessTokensAreKeptByHashAndRevocable: try await context.accessTokensAreKeptByHashAndRevocable()
        case .workerRegistryTracksDrainsAndPrunes: try await context.workerRegistryTracksDrainsAndPrunes()
        }
    }

    /// What one check works with, plus assertion helpers.
    struct Context {
        let check: String
        let store: any JobStore
        let clock: ManualClock
        let corrupt: Corruptor?
        let worker = "conformance-worker"
        let lease = Duration.seconds(30)

        func expect(_ condition: Bool, _ message: @autoclosure () -> String, line: UInt = #line) throws {
            if !condition { throw Failure(check: check, message: message(), line: line) }
        }

        func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: String, line: UInt = #line) throws {
            try expect(actual == expected, "\(what): expected \(expected), got \(actual)", line: line)
        }

        /// Expects `body` to throw a `JobStoreError` with `code`.
        func expectError<T>(_ code: JobStoreError.Code, _ what: String, line: UInt = #line, _ body: () async throws -> T) async throws {
            do {
                let value = try await body()
                throw Failure(check: check, message: "\(what): expected \(code), got \(value)", line: line)
            } catch let error as JobStoreError {
                try expect(error.code == code, "\(what): expected \(code), got \(error)", line: line)
            }
        }

        func job(_ kind: String = "test", key: String? = nil, priority: Int = 0, runAt: Date? = nil,
                 maxAttempts: Int = 3, idempotencyKey: String? = nil, queue: String = JobOptions.defaultQueue) -> NewJob {
            NewJob(kind: kind, payload: Data("{\"n\":1}".utf8), options: JobOptions(
                queue: queue, key: key, priority: priority, runAt: runAt, maxAttempts: maxAttempts,
                idempotencyKey: idempotencyKey
            ))
        }

        func enqueue(_ jobs: NewJob...) async throws -> [JobRecord] {
            try await store.enqueue(jobs).map(\.job)
        }

        func claim(_ limit: Int = 10, keyLimit: Int = 1, worker: String? = nil, kinds: Set<String>? = nil,
                   queue: String = JobOptions.defaultQueue) async throws -> [JobRecord] {
            try await store.claim(ClaimRequest(
                workerID: worker ?? self.worker, limit: limit, lease: lease, keyLimit: keyLimit, queue: queue, kinds: kinds
            ))
        }

        func claimOne() async throws -> JobRecord {
            let claimed = try await claim(1)
            try expect(claimed.count == 1, "expected one claimable job, got \(claimed.count)")
            return claimed[0]
        }
    }
}
