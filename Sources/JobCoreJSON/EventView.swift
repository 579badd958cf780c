public import Foundation
public import JobCore

/// One event of a job's stream, as `jobctl events --json` and the HTTP API print it.
public struct EventView: Encodable, Sendable {
    public var sequence: Int64
    public var at: Date
    public var kind: String
    public var state: String
    public var epoch: Int64?
    public var message: String?

    /// The view of an event.
    public init(_ event: JobEvent) {
        sequence = event.sequence
        at = event.at
        kind = event.kind.rawValue
        state = event.state.rawValue
        epoch = event.epoch
        message = event.message
    }
}
