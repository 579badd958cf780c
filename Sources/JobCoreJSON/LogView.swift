import Foundation

/// `jobctl logs --json`: the output exactly (base64) and as text, lossily.
struct LogView: Encodable {
    var id: String
    /// The output as UTF-8 text; bytes that are not valid UTF-8 become U+FFFD.
    var output: String
    /// The output exactly, in base64.
    var outputBase64: String
    /// Bytes in the output.
    var bytes: Int
    /// Whether output was dropped at the store's limit.
    var truncated: Bool

    init(id: String, bytes: Data, truncated: Bool) {
        self.id = id
        output = String(decoding: bytes, as: UTF8.self)
        outputBase64 = bytes.base64EncodedString()
        self.bytes = bytes.count
        self.truncated = truncated
    }
}
