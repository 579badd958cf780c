/// A typed job kind: its name in the store and the type of its payload. Use the same value to
/// enqueue (``DurableJobQueue``) and to register the handler (``JobHandlers``).
///
/// <!-- sample: context=mail -->
/// ```swift
/// let sendMail = JobKind<Mail>("send-mail")
/// ```
public struct JobKind<Payload: Codable & Sendable>: Sendable, Hashable {
    /// The kind's name, as stored in ``JobRecord/kind``.
    public let name: String

    /// Creates a kind.
    public init(_ name: String) {
        self.name = name
    }
}
