public import Foundation

/// The handlers a ``Worker`` runs, by job kind.
///
/// <!-- sample: context=mail,send-mail -->
/// ```swift
/// var handlers = JobHandlers()
/// handlers.register(sendMail) { mail, context in try await mailer.send(mail) }
/// ```
public struct JobHandlers: Sendable {
    /// A handler on the encoded payload, returning an encoded result.
    public typealias RawHandler = @Sendable (Data, JobContext) async throws -> Data?

    private(set) var handlers: [String: RawHandler] = [:]

    /// Creates an empty registry.
    public init() {}

    /// The registered kinds.
    public var kinds: Set<String> { Set(handlers.keys) }

    /// Registers a handler on the encoded payload (for kinds with their own encoding).
    public mutating func register(kind: String, handler: @escaping RawHandler) {
        handlers[kind] = handler
    }

    /// Registers a handler that decodes its JSON payload and returns nothing.
    /// A payload that cannot be decoded fails the job without retry.
    public mutating func register<Payload>(_ kind: JobKind<Payload>, handler: @escaping @Sendable (Payload, JobContext) async throws -> Void) {
        register(kind: kind.name) { data, context in
            try await handler(try Self.decode(Payload.self, data, kind: kind.name), context)
            return nil
        }
    }

    /// Registers a handler that decodes its JSON payload and returns a result, stored as JSON in
    /// ``JobRecord/result``.
    public mutating func register<Payload, Result: Encodable & Sendable>(
        _ kind: JobKind<Payload>, handler: @escaping @Sendable (Payload, JobContext) async throws -> Result
    ) {
        register(kind: kind.name) { data, context in
            let result = try await handler(try Self.decode(Payload.self, data, kind: kind.name), context)
            return try JSONEncoder().encode(result)
        }
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
