import JobCore
import Testing

@Suite struct RepositorySourceTests {
    let resolution = RepositorySource.Resolution(baseURL: "https://git.example.com/", defaultOwner: "acme")

    @Test(arguments: [
        ("https://github.com/acme/widgets", "https://github.com/acme/widgets", "acme", "widgets"),
        ("https://github.com/acme/widgets.git", "https://github.com/acme/widgets.git", "acme", "widgets"),
        ("https://github.com/acme/widgets/", "https://github.com/acme/widgets", "acme", "widgets"),
        ("HTTPS://github.com/acme/widgets.git/", "https://github.com/acme/widgets.git", "acme", "widgets"),
        ("acme/widgets", "https://git.example.com/acme/widgets.git", "acme", "widgets"),
        ("acme/widgets.git", "https://git.example.com/acme/widgets.git", "acme", "widgets"),
        ("widgets", "https://git.example.com/acme/widgets.git", "acme", "widgets"),
        ("my-org/my.repo_2", "https://git.example.com/my-org/my.repo_2.git", "my-org", "my.repo_2"),
    ])
    func parsesRemoteForms(text: String, location: String, owner: String, name: String) throws {
        let source = try RepositorySource.parse(text, resolution: resolution)
        #expect(source.location == location)
        #expect(source.owner == owner)
        #expect(source.name == name)
        #expect(!source.isLocal)
    }

    @Test(arguments: ["/srv/git/widgets.git", "./widgets", "../widgets", "file:///srv/git/widgets.git"])
    func parsesLocalForms(text: String) throws {
        let source = try RepositorySource.parse(text)
        #expect(source.isLocal)
        #expect(source.location.hasPrefix("/"))
    }

    @Test func explicitOwnerAndRepository() throws {
        let source = try RepositorySource(owner: "acme", repository: "widgets", resolution: resolution)
        #expect(source.location == "https://git.example.com/acme/widgets.git")
    }

    @Test(arguments: [
        "", "acme/", "acme//widgets", "acme/../widgets", "acme/wid gets", "-acme/widgets",
        "acme/..", "a/b/c", "git@github.com:acme/widgets.git", "ssh://git@github.com/acme/widgets.git",
        "https://token@github.com/acme/widgets", "https://x:y@github.com/acme/widgets", "ftp://example.com/a/b",
        "https://github.com", "https://github.com/acme/widgets?x=1", "https://github.com/acme/../b", "widgets!",
    ])
    func rejectsMalformedSpecsWithTheAcceptedForms(text: String) {
        let error = #expect(throws: GitError.self) {
            try RepositorySource.parse(text, resolution: .init(baseURL: "https://github.com", defaultOwner: nil))
        }
        #expect(error?.code == .invalidInput)
    }

    @Test func bareNameNeedsADefaultOwner() {
        let error = #expect(throws: GitError.self) { try RepositorySource.parse("widgets") }
        #expect(error?.message.contains("default owner") == true)
        #expect(error?.message.contains("owner/repo") == true)
    }

    @Test func credentialsInAURLAreRefusedWithoutEchoingThem() {
        let error = #expect(throws: GitError.self) { try RepositorySource.parse("https://user:s3cretvalue@github.com/a/b") }
        #expect(error?.message.contains("s3cretvalue") == false)
    }
}
