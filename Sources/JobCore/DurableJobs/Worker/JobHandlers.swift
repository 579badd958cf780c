public import Foundation

/// The handlers a ``Worker`` runs, by job kind, each with an optional retry policy of its own.
///
/// ```swift
/// var handlers = JobHandlers()
/// handlers.register(sendMail) { mail, context in try await mailer.send(mail) }
/// handlers.register(Review.self, retry: RetryPolicy(base: .seconds(30))) { review, context in
///     try await reviewer.review(review)          // a ReviewResult, stored as the job's result
/// }
/// ```
public struct JobHandlers: Sendable {
    /// A handler on the encoded payload, returning an encoded result.
    public typealias RawHandler = @Sendable (Data, JobContext) async throws -> Data?

    private(set) var handlers: [String: RawHandler] = [:]
    private var retryPolicies: [String: RetryPolicy] = [:]

    /// Creates an empty registry.
    public init() {}

    /// The registered kinds.
    public var kinds: Set<String> { Set(handlers.keys) }

    /// The retry policy registered for `kind`, if any; the worker's
    /// ``Worker/Configuration/retry`` applies to kinds without one.
    /// - Parameter kind: a kind's name.
    public func retryPolicy(forKind kind: String) -> RetryPolicy? {
        retryPolicies[kind]
    }

    /// Registers a handler on the encoded payload (for kinds with their own encoding).
    /// - Parameters:
    ///   - kind: the kind's name.
    ///   - retry: the back-off between this kind's attempts. Defaults to `nil`: the worker's.
    ///   - handler: runs one attempt.
    public mutating func register(kind: String, retry: RetryPolicy? = nil, handler: @escaping RawHandler) {
        handlers[kind] = handler
        retryPolicies[kind] = retry
    }

    /// Registers a handler that decodes its JSON payload and returns nothing.
    /// A payload that cannot be decoded fails the job without retry.
    /// - Parameters:
    ///   - kind: the kind, with its payload type.
    ///   - retry: the back-off between this kind's attempts. Defaults to `nil`: the worker's.
    ///   - handler: runs one attempt.
    public mutating func register<Payload>(
        _ kind: JobKind<Payload>, retry: RetryPolicy? = nil,
        handler: @escaping @Sendable (Payload, JobContext) async throws -> Void
    ) {
        register(kind: kind.name, retry: retry) { data, context in
            try await handler(try Self.decode(Payload.self, data, kind: kind.name), context)
            return nil
        }
    }

    /// Registers a handler that decodes its JSON payload and returns a result, stored as JSON in
    /// ``JobRecord/result`` (read it with ``JobRecord/result(as:)``).
    /// - Parameters:
    ///   - kind: the kind, with its payload type.
    ///   - retry: the back-off between this kind's attempts. Defaults to `nil`: the worker's.
    ///   - handler: runs one attempt.
    public mutating func register<Payload, Result: Encodable & Sendable>(
        _ kind: JobKind<Payload>, retry: RetryPolicy? = nil,
        handler: @escaping @Sendable (Payload, JobContext) async throws -> Result
    ) {
        register(kind: kind.name, retry: retry) { data, context in
            let result = try await handler(try Self.decode(Payload.self, data, kind: kind.name), context)
            return try JSONEncoder().encode(result)
        }
    }

    /// Registers a handler for a payload that knows its kind, returning nothing.
    /// - Parameters:
    ///   - type: the payload type; its ``JobPayload/kind`` names the kind.
    ///   - retry: the back-off between this kind's attempts. Defaults to `nil`: the worker's.
    ///   - handler: runs one attempt.
    public mutating func register<Payload: JobPayload>(
        _ type: Payload.Type, retry: RetryPolicy? = nil,
        handler: @escaping @Sendable (Payload, JobContext) async throws -> Void
    ) {
        register(Payload.kind, retry: retry, handler: handler)
    }

    /// Registers a handler for a payload that knows its kind, returning a result stored as JSON
    /// in ``JobRecord/result`` (read it with ``JobRecord/result(as:)``).
    /// - Parameters:
    ///   - type: the payload type; its ``JobPayload/kind`` names the kind.
    ///   - retry: the back-off between this kind's attempts. Defaults to `nil`: the worker's.
    ///   - handler: runs one attempt.
    public mutating func register<Payload: JobPayload, Result: Encodable & Sendable>(
        _ type: Payload.Type, retry: RetryPolicy? = nil,
        handler: @escaping @Sendable (Payload, JobContext) async throws -> Result
    ) {
        register(Payload.kind, retry: retry, handler: handler)
    }

    subscript(kind kind: String) -> RawHandler? { handlers[kind] }

    private static func decode<Payload: Decodable>(_ type: Payload.Type, _ data: Data, kind: String) throws -> Payload {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw JobFailure.permanent("the payload of a '\(kind)' job cannot be decoded as \(Payload.self): \(error)")
        }
    }
}
