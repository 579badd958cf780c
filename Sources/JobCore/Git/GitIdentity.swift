/// The author and committer of commits a job makes.
public struct GitIdentity: Sendable, Hashable, Codable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// The default bot identity.
    public static let bot = GitIdentity(name: "JobCore Bot", email: "jobcore-bot@users.noreply.github.com")
}
