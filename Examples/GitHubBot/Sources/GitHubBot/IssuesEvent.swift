/// The part of GitHub's `issues` webhook payload the bot reads.
struct IssuesEvent: Decodable, Sendable {
    struct Issue: Decodable, Sendable {
        var number: Int
        var title: String
        var htmlURL: String?

        enum CodingKeys: String, CodingKey {
            case number, title
            case htmlURL = "html_url"
        }
    }

    struct Label: Decodable, Sendable {
        var name: String
    }

    struct Repository: Decodable, Sendable {
        var fullName: String

        enum CodingKeys: String, CodingKey {
            case fullName = "full_name"
        }
    }

    struct Installation: Decodable, Sendable {
        var id: Int
    }

    var action: String
    var issue: Issue
    /// The label added, for `labeled` (and removed, for `unlabeled`).
    var label: Label?
    var repository: Repository
    /// Present when the webhook belongs to a GitHub App.
    var installation: Installation?
}
