import Foundation

/// The author and committer of commits a job makes.
///
/// Set it for every workspace with ``LocalWorkspaceManager/Configuration/identity`` or for one
/// workspace with ``WorkspaceOptions/identity``; parse the Git form `NAME <EMAIL>` (what a
/// `--git-author` option takes) with ``init(parsing:)``.
public struct GitIdentity: Sendable, Hashable, Codable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// Parses `NAME <EMAIL>`, as in Git's `--author`.
    /// - Parameter text: the identity, e.g. `Review Bot <bot@example.com>`.
    /// - Throws: ``GitError`` `.invalidInput` when the form is wrong, the name or email is empty,
    ///   or either holds `<`, `>` or a control character (Git would refuse or mangle it).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            throw GitError(.invalidInput, "invalid Git identity '\(text)': expected 'NAME <EMAIL>'")
        }
        let name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        let email = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        try self.init(validating: name, email: email, text: text)
    }

    private init(validating name: String, email: String, text: String) throws {
        func isBad(_ part: String) -> Bool {
            part.isEmpty || part.unicodeScalars.contains { $0 == "<" || $0 == ">" || $0.properties.generalCategory == .control }
        }
        guard !isBad(name), !isBad(email), !email.contains(" ") else {
            throw GitError(.invalidInput, "invalid Git identity '\(text)': expected 'NAME <EMAIL>'")
        }
        self.init(name: name, email: email)
    }

    /// The default bot identity.
    public static let bot = GitIdentity(name: "JobCore Bot", email: "jobcore-bot@users.noreply.github.com")
}

extension GitIdentity: CustomStringConvertible {
    /// `NAME <EMAIL>`.
    public var description: String { "\(name) <\(email)>" }
}
