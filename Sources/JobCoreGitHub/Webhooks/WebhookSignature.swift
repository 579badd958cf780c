import Crypto
public import JobCore

/// Signs and verifies GitHub webhook deliveries: the `X-Hub-Signature-256` header, an
/// HMAC-SHA256 of the raw request body under the webhook's secret, as `sha256=` and 64 lowercase
/// hexadecimal digits.
///
/// <!-- sample: context=webhook-request -->
/// ```swift
/// let signature = WebhookSignature(secret: Secret(webhookSecret))
/// try signature.verify(body: rawBody, header: request.headers["X-Hub-Signature-256"])
/// ```
///
/// The MAC is swift-crypto's `HMAC<SHA256>`, and verification is its constant-time comparison
/// (`HMAC.isValidAuthenticationCode`). A verifier accepts several secrets, so that a secret can be rotated without refusing deliveries signed
/// with the previous one. The MAC is computed over the bytes as received: verify before parsing
/// the JSON, never over a re-encoded body.
public struct WebhookSignature: Sendable {
    /// The header that carries the signature.
    public static let headerName = "X-Hub-Signature-256"

    /// The secrets' bytes (swift-crypto's `SymmetricKey` is not `Sendable`: one is made per use).
    private let keys: [[UInt8]]

    /// Creates a verifier for one secret.
    public init(secret: Secret) {
        self.init(secrets: [secret])
    }

    /// Creates a verifier that accepts a signature made with any of `secrets` (during rotation:
    /// the new secret and the old one). The first one signs.
    public init(secrets: [Secret]) {
        precondition(!secrets.isEmpty, "WebhookSignature needs at least one secret")
        keys = secrets.map { Array($0.revealed().utf8) }
    }

    /// The header value for `body` under the first secret: `sha256=<64 hex digits>`.
    /// For tests and for forwarding deliveries.
    public func signature(for body: some Sequence<UInt8>) -> String {
        "sha256=" + Self.hex(Array(HMAC<SHA256>.authenticationCode(for: Array(body), using: SymmetricKey(data: keys[0]))))
    }

    /// Whether `header` is a valid signature of `body`.
    /// - Parameters:
    ///   - body: the raw request body, exactly as received.
    ///   - header: the value of `X-Hub-Signature-256`, or `nil` when the request has none.
    /// - Throws: ``WebhookError`` with code `missingSignature` (no or empty header),
    ///   `malformedSignature` (not `sha256=` + 64 hex digits) or `signatureMismatch`.
    public func verify(body: some Sequence<UInt8>, header: String?) throws(WebhookError) {
        guard let header = header?.trimmingASCIIWhitespace(), !header.isEmpty else {
            throw WebhookError(.missingSignature, "the delivery has no \(Self.headerName) header: it was not signed")
        }
        guard header.hasPrefix("sha256="), let given = Self.bytes(hex: header.dropFirst(7)), given.count == SHA256.byteCount else {
            throw WebhookError(.malformedSignature, "the \(Self.headerName) header is not 'sha256=' followed by 64 hexadecimal digits")
        }
        let message = Array(body)
        var matched = false
        for key in keys {
            // Every key is tried, so the time taken does not tell which one (if any) matched.
            matched = HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: message, using: SymmetricKey(data: key)) || matched
        }
        guard matched else {
            throw WebhookError(.signatureMismatch, "the \(Self.headerName) signature does not match the body under the configured secret")
        }
    }

    /// Whether `header` is a valid signature of `body` (see ``verify(body:header:)``).
    public func isValid(body: some Sequence<UInt8>, header: String?) -> Bool {
        (try? verify(body: body, header: header)) != nil
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes hexadecimal digits (either case); `nil` for an odd count or another character.
    static func bytes(hex: Substring) -> [UInt8]? {
        let characters = Array(hex.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = nibble(characters[index]), let low = nibble(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, carriage returns and line feeds.
    func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[start...end]
    }
}
