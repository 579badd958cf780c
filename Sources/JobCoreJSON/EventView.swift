import Foundation
import JobCore

struct EventView: Encodable {
    var sequence: Int64
    var at: Date
    var kind: String
    var state: String
    var epoch: Int64?
    var message: String?

    init(_ event: JobEvent) {
        sequence = event.sequence
        at = event.at
        kind = event.kind.rawValue
        state = event.state.rawValue
        epoch = event.epoch
        message = event.message
    }
}
