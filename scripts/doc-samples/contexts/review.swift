// A code-review job with a typed payload, for the doc comments of JobPayload, JobHandlers and
// DurableJobQueue.
import JobCore

private struct Review: JobPayload {
    static let kind = JobKind<Review>("review")
    var repository: String
    var pullRequest: Int
}
private struct ReviewResult: Codable, Sendable { var comments: Int }
private struct Reviewer: Sendable { func review(_ review: Review) async throws -> ReviewResult { ReviewResult(comments: 0) } }
private let reviewer = Reviewer()
