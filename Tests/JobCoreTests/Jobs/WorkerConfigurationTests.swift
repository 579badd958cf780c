import Foundation
@_spi(JobStoreImplementation) import JobCore
import JobCoreTesting
import Testing

/// A configuration whose intervals cannot work together is refused before the worker claims.
@Suite struct WorkerConfigurationTests {
    @Test func aLeaseShorterThanTheMinimumOrAHeartbeatNotShorterThanTheLeaseIsRefused() throws {
        #expect(Worker.Configuration.minimumLease == .seconds(1))
        #expect(throws: Worker.ConfigurationError.self) { try Worker.Configuration(lease: .milliseconds(1)).validate() }
        #expect(throws: Worker.ConfigurationError.self) { try Worker.Configuration(lease: .zero).validate() }
        #expect(throws: Worker.ConfigurationError.self) { try Worker.Configuration(lease: .seconds(10), heartbeatInterval: .seconds(10)).validate() }
        #expect(throws: Worker.ConfigurationError.self) { try Worker.Configuration(heartbeatInterval: .zero).validate() }
        #expect(throws: Worker.ConfigurationError.self) { try Worker.Configuration(pollInterval: .zero).validate() }
        #expect(throws: Worker.ConfigurationError.self) { try Worker.Configuration(reaperInterval: .zero).validate() }
        try Worker.Configuration().validate()
        try Worker.Configuration(lease: .seconds(1)).validate()
    }

    @Test func aWorkerWithAnInvalidConfigurationThrowsAndClaimsNothing() async throws {
        let clock = ManualClock()
        let store = MemoryJobStore(clock: clock)
        let job = try await DurableJobQueue(store: store).enqueue(echoKind, Echo(text: "x")).job
        var handlers = JobHandlers()
        handlers.register(echoKind) { _, _ in }
        let worker = Worker(store: store, handlers: handlers, configuration: .init(lease: .milliseconds(1), drain: .whenNothingDue), clock: clock)
        await #expect(throws: Worker.ConfigurationError.self) { try await worker.run() }
        #expect(try await store.job(job.id).state == .queued)
        #expect(JobExitCode(Worker.ConfigurationError("x")) == .invalidInput)
    }
}
