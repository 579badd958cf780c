import Foundation
import Synchronization

/// Moves a command's output to the job's log in batches (so `jobctl logs --follow` can read it
/// from another process while the job runs) and to a local sink as it arrives.
struct CommandOutputPump: Sendable {
    let context: JobContext
    let sink: (@Sendable (OutputChunk) -> Void)?
    let interval: Duration
    let clock: any WallClock

    /// Output read but not yet written to the log.
    private final class Pending: Sendable {
        let state = Mutex<(data: Data, done: Bool)>((Data(), false))
    }

    func run(_ output: ProcessOutput) async {
        let pending = Pending()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in output {
                    let bytes: Data
                    switch event {
                    case .chunk(let chunk):
                        sink?(chunk)
                        bytes = Data(chunk.bytes)
                    case .truncated(let omitted):
                        bytes = Data(OutputLog.truncationMarker(omittedBytes: omitted).utf8)
                    }
                    pending.state.withLock { $0.data.append(bytes) }
                }
                pending.state.withLock { $0.done = true }
            }
            group.addTask {
                while true {
                    let (data, done) = pending.state.withLock { state -> (Data, Bool) in
                        defer { state.data = Data() }
                        return (state.data, state.done)
                    }
                    if !data.isEmpty { _ = try? await context.appendOutput(data) }
                    if done { return }
                    try? await clock.sleep(for: interval)
                }
            }
        }
    }
}
