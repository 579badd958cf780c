/// A snapshot of a command's bounded output log.
///
/// The log keeps the first half of its limit (the head) and the most recent half (the tail);
/// when the command writes more, the bytes in between are dropped and ``events`` holds a
/// ``OutputEvent/truncated(omittedBytes:)`` between head and tail. Both streams share the log,
/// in the order their bytes were read.
public struct OutputLog: Sendable, Hashable {
    /// Head chunks, the truncation mark if any, then tail chunks.
    public var events: [OutputEvent]

    /// Every byte the command has written so far, including omitted ones.
    public var totalByteCount: Int

    /// Bytes dropped between head and tail.
    public var omittedByteCount: Int

    /// Whether the command's pipes are closed: no more output will arrive.
    public var isComplete: Bool

    /// Creates a snapshot.
    public init(events: [OutputEvent], totalByteCount: Int, omittedByteCount: Int, isComplete: Bool) {
        self.events = events
        self.totalByteCount = totalByteCount
        self.omittedByteCount = omittedByteCount
        self.isComplete = isComplete
    }

    /// Whether output was dropped.
    public var isTruncated: Bool { omittedByteCount > 0 }

    /// The whole log as text, both streams in arrival order, with a marker line where output was
    /// dropped (see ``truncationMarker(omittedBytes:)``).
    public var text: String { render { _ in true } }

    /// The chunks of one stream as text, with the truncation marker where output was dropped.
    public func text(of stream: OutputChunk.Stream) -> String {
        render { $0 == stream }
    }

    /// The line that stands for dropped output in ``text``:
    /// `"\n[... 1234 bytes of output omitted ...]\n"`.
    public static func truncationMarker(omittedBytes: Int) -> String {
        "\n[... \(omittedBytes) bytes of output omitted ...]\n"
    }

    private func render(including: (OutputChunk.Stream) -> Bool) -> String {
        // Concatenate bytes first so that a character split across chunks decodes whole.
        var bytes: [UInt8] = []
        for event in events {
            switch event {
            case .chunk(let chunk) where including(chunk.stream):
                bytes += chunk.bytes
            case .chunk:
                break
            case .truncated(let omitted):
                bytes += Array(Self.truncationMarker(omittedBytes: omitted).utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
