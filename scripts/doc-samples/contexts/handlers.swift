// The service's job handlers (registered elsewhere).
import JobCore

private let handlers = JobHandlers()
