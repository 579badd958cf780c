import Foundation
import Synchronization

extension WallClock {
    /// Sleeps until `deadline`; returns at once when it has passed (also when the clock moved
    /// before the sleep began).
    func sleep(until deadline: Date) async throws {
        let remaining = deadline.timeIntervalSince(now)
        if remaining > 0 { try await sleep(for: .seconds(remaining)) }
    }
}
