// Stands for your own JobStore: any type with an `init(clock:)`.
import JobCore

private typealias MyStore = MemoryJobStore
