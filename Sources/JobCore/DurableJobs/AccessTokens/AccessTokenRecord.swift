public import Foundation

/// An access token as a store keeps it: its public id, name and scope, and a hash of its
/// secret — never the secret itself, which only its holder has.
public struct AccessTokenRecord: Sendable, Hashable {
    /// The token's public identifier, part of the token text; unique.
    public var id: String
    /// A name for people (`ci`, `dashboard`); unique.
    public var name: String
    /// What its holder may do.
    public var scope: AccessScope
    /// A hash of the token's secret part (SHA-256 in `JobCoreHTTP`), compared in constant time.
    public var secretHash: Data
    /// When it was created.
    public var createdAt: Date

    /// Creates a record.
    public init(id: String, name: String, scope: AccessScope, secretHash: Data, createdAt: Date) {
        self.id = id
        self.name = name
        self.scope = scope
        self.secretHash = secretHash
        self.createdAt = createdAt
    }

    /// The longest token name: 100 bytes.
    public static let maximumNameLength = 100

    /// Checks a name: 1 to ``maximumNameLength`` bytes, letters, digits, `.`, `_` and `-`.
    /// - Throws: ``JobStoreError`` with `invalidArgument`.
    public static func validateName(_ name: String) throws(JobStoreError) {
        guard !name.isEmpty, name.utf8.count <= maximumNameLength,
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0)) })
        else {
            throw JobStoreError(.invalidArgument, "a token name is 1 to \(maximumNameLength) letters, digits, '.', '_' or '-'")
        }
    }
}
