/// A job's input that knows its kind, so that it is enqueued and handled without naming the
/// kind again.
///
/// <!-- sample: scope=type -->
/// ```swift
/// struct Review: JobPayload {
///     static let kind = JobKind<Review>("review")
///     var repository: String
///     var pullRequest: Int
/// }
/// ```
///
/// Enqueue one and handle it by its type:
///
/// <!-- sample: context=memory-store,review -->
/// ```swift
/// try await DurableJobQueue(store: store).enqueue(Review(repository: "acme/api", pullRequest: 42))
/// var handlers = JobHandlers()
/// handlers.register(Review.self) { review, context in
///     try await reviewer.review(review)       // the result, read back with `result(as:)`
/// }
/// ```
///
/// The payload is stored as JSON; ``JobRecord/payload(as:)`` reads it back.
public protocol JobPayload: Codable, Sendable {
    /// The kind jobs with this payload are stored and handled as.
    static var kind: JobKind<Self> { get }
}
