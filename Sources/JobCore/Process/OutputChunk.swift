/// A piece of a command's output, as read from one of its pipes.
public struct OutputChunk: Sendable, Hashable {
    /// The pipe a chunk was read from.
    public enum Stream: String, Sendable, Hashable, Codable {
        case stdout
        case stderr
    }

    /// The pipe the bytes came from.
    public var stream: Stream

    /// The bytes, exactly as the command wrote them.
    public var bytes: [UInt8]

    /// Creates a chunk.
    public init(stream: Stream, bytes: [UInt8]) {
        self.stream = stream
        self.bytes = bytes
    }

    /// The bytes decoded as UTF-8; invalid sequences become U+FFFD.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
