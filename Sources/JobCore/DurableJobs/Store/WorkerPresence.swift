public import Foundation

/// A worker announcing itself, so health can report running jobs against capacity.
public struct WorkerPresence: Sendable, Hashable, Codable {
    /// The worker id.
    public var id: String
    /// How many jobs it runs at once.
    public var capacity: Int
    /// The queue it claims from.
    public var queue: String
    /// When it last announced itself.
    public var seenAt: Date

    /// Creates a presence record.
    public init(id: String, capacity: Int, queue: String, seenAt: Date) {
        self.id = id
        self.capacity = capacity
        self.queue = queue
        self.seenAt = seenAt
    }
}
