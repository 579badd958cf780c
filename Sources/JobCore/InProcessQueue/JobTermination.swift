/// Why the queue itself stopped a running job.
enum JobTermination {
    case timedOut
    case shutDown
}
