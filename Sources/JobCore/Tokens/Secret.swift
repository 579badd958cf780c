import Foundation

/// A secret string, such as an access token, that never reveals its value by accident.
///
/// `description`, `debugDescription`, string interpolation, reflection and `Codable` encoding
/// all show a redacted placeholder. Only ``revealed()`` returns the value.
public struct Secret: Sendable, Hashable {
    private let value: String

    /// Wraps a secret value.
    public init(_ value: String) {
        self.value = value
    }

    /// The secret value. Call it only where the value must leave the process (an HTTP header,
    /// libgit2's credential callback), never to log or display it.
    public func revealed() -> String {
        value
    }

    /// The secret without surrounding whitespace and newlines (`$(cat file)` leaves a newline).
    package func trimmingWhitespace() -> Secret {
        Secret(value.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Whether the value is empty.
    public var isEmpty: Bool { value.isEmpty }

    /// Returns `text` with every occurrence of the secret replaced by a placeholder.
    public func redact(_ text: String) -> String {
        guard value.count >= 4 else { return text }
        return text.replacingOccurrences(of: value, with: Secret.placeholder)
    }

    static let placeholder = "<redacted>"
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { Secret.placeholder }
    public var debugDescription: String { "Secret(\(Secret.placeholder))" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension Secret: Codable {
    /// Decodes a secret from a string.
    public init(from decoder: any Decoder) throws {
        self.value = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the placeholder, never the value: a secret must not reach a store or a log.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Secret.placeholder)
    }
}
