/// Why a webhook delivery was refused: an opaque ``Code`` plus a message for people.
///
/// The message never contains the secret, the expected signature or the body.
public struct WebhookError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong with the delivery. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case missingSignature, malformedSignature, signatureMismatch, missingHeader
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The delivery carries no `X-Hub-Signature-256` header: the sender did not sign it.
        public static let missingSignature = Code(.missingSignature)
        /// The header is not `sha256=` followed by 64 hexadecimal digits.
        public static let malformedSignature = Code(.malformedSignature)
        /// The signature does not match the body under any configured secret.
        public static let signatureMismatch = Code(.signatureMismatch)
        /// A header GitHub always sends (`X-GitHub-Delivery`, `X-GitHub-Event`) is missing or empty.
        public static let missingHeader = Code(.missingHeader)

        public var description: String { base.rawValue }
    }

    /// What was wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The HTTP status to answer with: 401 when the delivery was not signed at all (the sender
    /// must authenticate), 403 for a signature that is wrong or malformed, 400 for a missing
    /// header.
    public var httpStatus: Int {
        switch code {
        case .missingSignature: 401
        case .missingHeader: 400
        default: 403
        }
    }

    public var description: String { "\(code): \(message)" }
}
