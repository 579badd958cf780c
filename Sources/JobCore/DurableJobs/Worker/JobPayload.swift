/// A job's input that knows its kind, so that it is enqueued and handled without naming the
/// kind again.
///
/// ```swift
/// struct Review: JobPayload {
///     static let kind = JobKind<Review>("review")
///     var repository: String
///     var pullRequest: Int
/// }
///
/// try await DurableJobQueue(store: store).enqueue(Review(repository: "acme/api", pullRequest: 42))
/// handlers.register(Review.self) { review, context in … }
/// ```
///
/// The payload is stored as JSON; ``JobRecord/payload(as:)`` reads it back.
public protocol JobPayload: Codable, Sendable {
    /// The kind jobs with this payload are stored and handled as.
    static var kind: JobKind<Self> { get }
}
