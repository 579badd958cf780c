public import Foundation

/// A stored job record that could not be decoded, kept aside with the reason.
public struct QuarantinedJob: Sendable, Hashable, Codable {
    /// The id as stored (it may itself be what is wrong).
    public var id: String
    /// Why it could not be decoded.
    public var reason: String
    /// The raw record, as text, for an operator to repair.
    public var raw: String
    /// When it was quarantined.
    public var quarantinedAt: Date

    /// Creates an entry.
    public init(id: String, reason: String, raw: String, quarantinedAt: Date) {
        self.id = id
        self.reason = reason
        self.raw = raw
        self.quarantinedAt = quarantinedAt
    }
}
