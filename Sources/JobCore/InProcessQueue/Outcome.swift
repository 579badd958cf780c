/// A job's result boxed with its type erased: an ``Outcome``.
typealias BoxedOutcome = AnyObject & Sendable

/// The result of a finished job, kept for its idempotency key.
final class Outcome<T: Sendable>: Sendable {
    let result: Result<T, any Error>

    init(_ result: Result<T, any Error>) {
        self.result = result
    }
}
