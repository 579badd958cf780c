@_spi(JobStoreImplementation) public import JobCore

/// The PostgreSQL schema that holds a store's tables, as a validated identifier.
///
/// Identifiers cannot be bound parameters, so the store splices the schema into its SQL text;
/// only names of ASCII letters, digits and underscores (not starting with a digit, at most 63
/// bytes) are accepted, and they are always double-quoted, so a name can never change the SQL.
public struct PostgresSchemaName: Sendable, Hashable, CustomStringConvertible {
    /// The name as given, e.g. `jobcore`.
    public let name: String

    /// Validates a schema name.
    /// - Throws: `JobStoreError` with `invalidArgument` for a name that is empty, too long, or
    ///   contains anything but ASCII letters, digits and underscores.
    public init(_ name: String) throws(JobStoreError) {
        let bytes = Array(name.utf8)
        let valid = !bytes.isEmpty && bytes.count <= 63 && !(bytes[0] >= 48 && bytes[0] <= 57)
            && bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
        guard valid else {
            throw JobStoreError(
                .invalidArgument,
                "invalid PostgreSQL schema name '\(name)': use 1 to 63 ASCII letters, digits and underscores, not starting with a digit"
            )
        }
        self.name = name
    }

    /// A name known to be valid (a literal in this module).
    init(valid name: String) {
        self.name = name
    }

    /// The quoted identifier to splice into SQL, e.g. `"jobcore"`.
    var quoted: String { "\"\(name)\"" }

    /// The LISTEN/NOTIFY channel of the store in this schema.
    var channel: String { "jobcore_\(name)" }

    public var description: String { name }
}
