import Foundation
import Synchronization

/// Runs the operations concurrently and returns when the first one returns, cancelling the rest.
func firstOf(_ operations: [@Sendable () async -> Void]) async {
    await withTaskGroup(of: Void.self) { group in
        for operation in operations { group.addTask(operation: operation) }
        await group.next()
        group.cancelAll()
    }
}
