import Foundation
import JobCore
import JobCoreTesting

/// A served fixture repository: `root/acme/widgets.git` behind a LocalGitServer.
struct ServedRepository {
    let server: LocalGitServer
    let directory: TemporaryDirectory
    let source: RepositorySource

    static func start(spec: GitFixture.Spec = GitFixture.Spec(commits: 10, branches: ["feature/x"], tags: ["v1.0"]),
                      token: Secret? = nil) async throws -> ServedRepository {
        let directory = try TemporaryDirectory(prefix: "served")
        try GitFixture.makeBareRepository(at: directory.url.appendingPathComponent("acme/widgets.git"), spec: spec)
        let server = try await LocalGitServer.start(root: directory.url, token: token)
        let source = try RepositorySource.parse("acme/widgets", resolution: .init(baseURL: server.baseURL))
        return ServedRepository(server: server, directory: directory, source: source)
    }

    func stop() async {
        try? await server.shutdown()
        directory.remove()
    }
}

/// Runs `body` with a served repository and a scratch directory, cleaning both up.
func withServedRepository<T>(
    spec: GitFixture.Spec = GitFixture.Spec(commits: 10, branches: ["feature/x"], tags: ["v1.0"]),
    token: Secret? = nil,
    _ body: (ServedRepository, URL) async throws -> T
) async throws -> T {
    let served = try await ServedRepository.start(spec: spec, token: token)
    let scratch = try TemporaryDirectory(prefix: "clones")
    defer { scratch.remove() }
    do {
        let result = try await body(served, scratch.url)
        await served.stop()
        return result
    } catch {
        await served.stop()
        throw error
    }
}

func git(_ arguments: String..., in directory: URL) throws -> String {
    try GitFixture.git(arguments, in: directory).trimmingCharacters(in: .whitespacesAndNewlines)
}
