import Foundation

/// A worker announcing itself to the memory store, so health can report running jobs against
/// capacity.
struct WorkerPresence: Sendable, Hashable, Codable {
    /// The worker id.
    var id: String
    /// How many jobs it runs at once.
    var capacity: Int
    /// The queue it claims from.
    var queue: String
    /// When it last announced itself.
    var seenAt: Date

    /// Creates a presence record.
    init(id: String, capacity: Int, queue: String, seenAt: Date) {
        self.id = id
        self.capacity = capacity
        self.queue = queue
        self.seenAt = seenAt
    }
}
