import JobCore
import JobCoreTesting
import Testing

@Suite struct MemoryJobStoreConformanceTests {
    @Test(arguments: JobStoreConformance.Check.allCases)
    func conformance(_ check: JobStoreConformance.Check) async throws {
        try await JobStoreConformance { clock in MemoryJobStore(clock: clock) }.run(check)
    }
}
