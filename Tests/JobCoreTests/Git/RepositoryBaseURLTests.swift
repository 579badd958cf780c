import Foundation
import JobCore
import Testing

/// A base URL for `owner/repo` sources must not carry credentials: they would be written into
/// `.git/config`, `JOB_REPO`, the store and the logs.
@Suite struct RepositoryBaseURLTests {
    @Test(arguments: ["http://u:TOKEN@127.0.0.1:1", "https://TOKEN@github.example", "https://x-access-token:TOKEN@github.com/"])
    func aBaseURLWithCredentialsIsRefused(base: String) throws {
        let error = try #require(throws: GitError.self) {
            try RepositorySource.parse("owner/repo", resolution: .init(baseURL: base))
        }
        #expect(error.code == .invalidInput)
        #expect(!"\(error)".contains("TOKEN"))
        #expect("\(error)".contains("credentials"))
        #expect(throws: GitError.self) { try RepositorySource.validateBaseURL(base) }
    }

    @Test func aPlainBaseURLIsAccepted() throws {
        let source = try RepositorySource.parse("owner/repo", resolution: .init(baseURL: "http://127.0.0.1:8080/"))
        #expect(source.location == "http://127.0.0.1:8080/owner/repo.git")
        try RepositorySource.validateBaseURL("https://github.com")
    }
}
