import Crypto
public import Foundation
public import JobCore

/// Issues and checks the access tokens of the API.
///
/// A token reads `jct_<id>_<secret>`: a public id (16 hexadecimal digits) to find its record,
/// and a secret of 256 random bits (base64url). The store keeps the id, the name, the scope and
/// the SHA-256 of the secret — never the token — and a presented secret's hash is compared with
/// it in constant time. The token's text is shown once, when it is created.
public enum AccessTokens {
    /// A token just created: its text, to hand to its holder once, and its stored record.
    public struct Issued: Sendable {
        /// The token (`jct_…`); it is stored nowhere.
        public var token: String
        /// What the store keeps.
        public var record: AccessTokenRecord
    }

    /// Creates a token and stores its record.
    /// - Parameters:
    ///   - name: a unique name (`ci`, `dashboard`): letters, digits, `.`, `_`, `-`.
    ///   - scope: what its holder may do.
    ///   - store: where the record is kept.
    /// - Throws: `JobStoreError` with `duplicate` for a name in use, `invalidArgument` for an
    ///   invalid name.
    public static func create(name: String, scope: AccessScope, in store: any AccessTokenStore) async throws -> Issued {
        var generator = SystemRandomNumberGenerator()
        let id = randomBytes(8, using: &generator).map { String(format: "%02x", $0) }.joined()
        let secret = Data(randomBytes(32, using: &generator)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let record = try await store.addAccessToken(id: id, name: name, scope: scope, secretHash: hash(secret))
        return Issued(token: "\(prefix)\(id)_\(secret)", record: record)
    }

    /// The record of a presented token, or `nil` when it is not a valid token (malformed, unknown,
    /// revoked, or with another secret).
    /// - Throws: the store's error when it cannot be asked.
    public static func authenticate(_ token: String, in store: any AccessTokenStore) async throws -> AccessTokenRecord? {
        guard token.hasPrefix(prefix), token.utf8.count <= 200 else { return nil }
        let parts = token.dropFirst(prefix.count).split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count == 16, parts[0].utf8.allSatisfy(isHexDigit), !parts[1].isEmpty,
              let record = try await store.accessToken(id: String(parts[0])) else { return nil }
        return constantTimeEqual(hash(String(parts[1])), record.secretHash) ? record : nil
    }

    /// The beginning of every token.
    static let prefix = "jct_"

    /// SHA-256 of a secret.
    static func hash(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Whether two byte strings are equal, in a time that depends only on their lengths.
    static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    private static func randomBytes(_ count: Int, using generator: inout SystemRandomNumberGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
