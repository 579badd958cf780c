// A store for a test.
import JobCore

private let store = MemoryJobStore()
