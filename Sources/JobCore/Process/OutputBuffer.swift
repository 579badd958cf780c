import Synchronization

/// The bounded store behind ``SupervisedProcess/log`` and ``SupervisedProcess/output``.
///
/// Bytes are addressed by their offset in the command's whole output. The head keeps offsets
/// `0..<headLimit`; the tail keeps the last `tailLimit` bytes. Readers hold a cursor (an offset):
/// a reader that falls behind the tail gets a `.truncated` event for exactly the bytes it missed,
/// so the buffer itself is the only copy of the output, whatever the number of readers.
final class OutputBuffer: Sendable {
    private struct Piece {
        var offset: Int
        var chunk: OutputChunk
        var end: Int { offset + chunk.bytes.count }
    }

    private struct State {
        var head: [Piece] = []
        var headBytes = 0
        var tail: [Piece] = []
        /// Index of the first live piece in `tail`; dropped pieces are compacted away lazily.
        var tailFirst = 0
        var tailBytes = 0
        var total = 0
        var finished = false
        var nextWaiterID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]

        var tailStartOffset: Int { tailFirst < tail.count ? tail[tailFirst].offset : total }
    }

    let headLimit: Int
    let tailLimit: Int
    private let state = Mutex(State())

    /// Creates a buffer keeping at most `limit` bytes: half as head, half as tail.
    init(limit: Int) {
        let limit = max(limit, 0)
        headLimit = limit / 2
        tailLimit = limit - limit / 2
    }

    /// Appends bytes read from `stream` and wakes waiting readers.
    func append(_ stream: OutputChunk.Stream, _ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        let waiters = state.withLock { state in
            var rest = bytes
            if state.headBytes < headLimit {
                let taken = rest.prefix(headLimit - state.headBytes)
                state.head.append(Piece(offset: state.total, chunk: OutputChunk(stream: stream, bytes: Array(taken))))
                state.headBytes += taken.count
                state.total += taken.count
                rest = rest.dropFirst(taken.count)
            }
            if !rest.isEmpty {
                state.tail.append(Piece(offset: state.total, chunk: OutputChunk(stream: stream, bytes: Array(rest))))
                state.total += rest.count
                state.tailBytes += rest.count
                Self.trimTail(&state, to: tailLimit)
            }
            return Self.takeWaiters(&state)
        }
        waiters.forEach { $0.resume() }
    }

    /// Marks the output complete: readers at the end finish.
    func finish() {
        let waiters = state.withLock { state in
            state.finished = true
            return Self.takeWaiters(&state)
        }
        waiters.forEach { $0.resume() }
    }

    /// The current log.
    func snapshot() -> OutputLog {
        state.withLock { state in
            var events: [OutputEvent] = []
            var cursor = 0
            while let (event, next) = Self.event(in: state, at: cursor) {
                events.append(event)
                cursor = next
            }
            return OutputLog(
                events: events,
                totalByteCount: state.total,
                omittedByteCount: state.tailStartOffset - state.headBytes,
                isComplete: state.finished
            )
        }
    }

    /// The event at `cursor` and the cursor after it, waiting for output if there is none yet.
    /// Returns nil at the end of a finished output, or when the task is cancelled.
    func next(after cursor: Int) async -> (OutputEvent, Int)? {
        while true {
            enum Step { case event(OutputEvent, Int), end, wait(UInt64) }
            let step = state.withLock { state -> Step in
                if let found = Self.event(in: state, at: cursor) { return .event(found.0, found.1) }
                if state.finished { return .end }
                state.nextWaiterID += 1
                return .wait(state.nextWaiterID)
            }
            switch step {
            case .event(let event, let next):
                return (event, next)
            case .end:
                return nil
            case .wait(let id):
                if Task.isCancelled { return nil }
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let ready = state.withLock { state -> Bool in
                            if state.total > cursor || state.finished || Task.isCancelled { return true }
                            state.waiters[id] = continuation
                            return false
                        }
                        if ready { continuation.resume() }
                    }
                } onCancel: {
                    state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
                }
                if Task.isCancelled { return nil }
            }
        }
    }

    private static func event(in state: State, at cursor: Int) -> (OutputEvent, Int)? {
        if cursor < state.headBytes {
            return slice(of: state.head, from: 0, at: cursor)
        }
        let tailStart = state.tailStartOffset
        if cursor < tailStart {
            return (.truncated(omittedBytes: tailStart - cursor), tailStart)
        }
        if cursor < state.total {
            return slice(of: state.tail, from: state.tailFirst, at: cursor)
        }
        return nil
    }

    /// The bytes of the piece holding `cursor`, from `cursor` to the end of that piece.
    private static func slice(of pieces: [Piece], from first: Int, at cursor: Int) -> (OutputEvent, Int) {
        // Binary search for the last piece whose offset is <= cursor.
        var low = first
        var high = pieces.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if pieces[middle].offset <= cursor { low = middle } else { high = middle - 1 }
        }
        let piece = pieces[low]
        let bytes = cursor == piece.offset ? piece.chunk.bytes : Array(piece.chunk.bytes[(cursor - piece.offset)...])
        return (.chunk(OutputChunk(stream: piece.chunk.stream, bytes: bytes)), piece.end)
    }

    private static func trimTail(_ state: inout State, to limit: Int) {
        while state.tailBytes > limit, state.tailFirst < state.tail.count {
            let excess = state.tailBytes - limit
            let first = state.tail[state.tailFirst]
            if first.chunk.bytes.count <= excess {
                state.tailBytes -= first.chunk.bytes.count
                state.tailFirst += 1
            } else {
                let kept = Array(first.chunk.bytes.dropFirst(excess))
                state.tail[state.tailFirst] = Piece(
                    offset: first.offset + excess,
                    chunk: OutputChunk(stream: first.chunk.stream, bytes: kept)
                )
                state.tailBytes -= excess
            }
        }
        if state.tailFirst > 32, state.tailFirst * 2 > state.tail.count {
            state.tail.removeFirst(state.tailFirst)
            state.tailFirst = 0
        }
    }

    private static func takeWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        let waiters = Array(state.waiters.values)
        state.waiters.removeAll()
        return waiters
    }
}
