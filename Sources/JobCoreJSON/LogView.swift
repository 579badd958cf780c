public import Foundation

/// `jobctl logs --json`: the output exactly (base64) and as text, lossily.
public struct LogView: Encodable, Sendable {
    public var id: String
    /// The output as UTF-8 text; bytes that are not valid UTF-8 become U+FFFD.
    public var output: String
    /// The output exactly, in base64.
    public var outputBase64: String
    /// Bytes in the output.
    public var bytes: Int
    /// Whether output was dropped at the store's limit.
    public var truncated: Bool

    /// The view of a log's bytes.
    public init(id: String, bytes: Data, truncated: Bool) {
        self.id = id
        output = String(decoding: bytes, as: UTF8.self)
        outputBase64 = bytes.base64EncodedString()
        self.bytes = bytes.count
        self.truncated = truncated
    }
}
