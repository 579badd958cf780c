import Synchronization
import Foundation
import JobCore
import JobCoreTesting
import Testing

@Suite struct GitCloneTests {
    let client = GitClient()

    @Test func shallowCloneFetchesOnlyTheDefaultBranch() async throws {
        try await withServedRepository { served, scratch in
            let target = scratch.appendingPathComponent("work")
            let result = try await client.clone(served.source, into: target.path)
            #expect(result.isShallow)
            #expect(result.ref == "refs/heads/main")
            #expect(result.branch == "main")
            #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent(".git/shallow").path))
            #expect(try git("rev-list", "--count", "HEAD", in: target) == "1")
            #expect(try git("rev-list", "--all", "--count", in: target) == "1")
            let refs = try git("for-each-ref", "--format=%(refname)", in: target).split(separator: "\n")
            #expect(refs == ["refs/heads/main", "refs/remotes/origin/main"])
            #expect(try git("rev-parse", "HEAD", in: target) == result.commit)
            #expect(try git("status", "--porcelain", in: target).isEmpty)
            #expect(try git("config", "--get", "remote.origin.fetch", in: target) == "+refs/heads/main:refs/remotes/origin/main")
        }
    }

    @Test func depthZeroFetchesTheFullHistory() async throws {
        try await withServedRepository { served, scratch in
            let target = scratch.appendingPathComponent("full")
            let result = try await client.clone(served.source, into: target.path, options: CloneOptions(depth: 0))
            #expect(!result.isShallow)
            #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent(".git/shallow").path))
            #expect(try git("rev-list", "--count", "HEAD", in: target) == "10")
        }
    }

    @Test func depthThreeFetchesThreeCommits() async throws {
        try await withServedRepository { served, scratch in
            let target = scratch.appendingPathComponent("three")
            _ = try await client.clone(served.source, into: target.path, options: CloneOptions(depth: 3))
            #expect(try git("rev-list", "--count", "HEAD", in: target) == "3")
        }
    }

    @Test func clonesANonDefaultBranch() async throws {
        try await withServedRepository { served, scratch in
            let target = scratch.appendingPathComponent("branch")
            let result = try await client.clone(served.source, into: target.path, options: CloneOptions(ref: "feature/x"))
            #expect(result.branch == "feature/x")
            #expect(try git("symbolic-ref", "HEAD", in: target) == "refs/heads/feature/x")
            #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("branch-0.txt").path))
            #expect(try git("for-each-ref", "--format=%(refname)", in: target).split(separator: "\n")
                == ["refs/heads/feature/x", "refs/remotes/origin/feature/x"])
        }
    }

    @Test func clonesATag() async throws {
        try await withServedRepository { served, scratch in
            let target = scratch.appendingPathComponent("tag")
            let result = try await client.clone(served.source, into: target.path, options: CloneOptions(ref: "v1.0"))
            #expect(result.branch == nil)
            #expect(result.ref == "refs/tags/v1.0")
            #expect(try git("log", "-1", "--format=%s", in: target) == "commit 1")
            #expect(try git("rev-parse", "HEAD", in: target) == result.commit)
        }
    }

    @Test func localPathIsALocalCloneAndNotShallow() async throws {
        try await withServedRepository { served, scratch in
            let source = try RepositorySource.parse(served.directory.url.appendingPathComponent("acme/widgets.git").path)
            #expect(source.isLocal)
            let target = scratch.appendingPathComponent("local")
            let result = try await client.clone(source, into: target.path)
            #expect(!result.isShallow)
            #expect(result.branch == "main")
            #expect(try git("rev-list", "--count", "HEAD", in: target) == "10")
        }
    }

    @Test func reportsProgress() async throws {
        try await withServedRepository { served, scratch in
            let seen = Counter()
            let result = try await client.clone(served.source, into: scratch.appendingPathComponent("p").path) { progress in
                if progress.receivedObjects > 0 { seen.increment() }
            }
            #expect(seen.value > 0)
            #expect(result.progress.receivedObjects == result.progress.totalObjects)
            #expect(result.progress.receivedBytes > 0)
        }
    }

    @Test func unknownRefIsNotFoundAndLeavesNothing() async throws {
        try await withServedRepository { served, scratch in
            let target = scratch.appendingPathComponent("missing")
            let error = await #expect(throws: GitError.self) {
                try await client.clone(served.source, into: target.path, options: CloneOptions(ref: "nope"))
            }
            #expect(error?.code == .notFound)
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
    }

    @Test func unknownRepositoryIsNotFound() async throws {
        try await withServedRepository { served, scratch in
            let source = try RepositorySource.parse("acme/ghost", resolution: .init(baseURL: served.server.baseURL))
            let error = await #expect(throws: GitError.self) {
                try await client.clone(source, into: scratch.appendingPathComponent("ghost").path)
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test(arguments: ["-x", "a..b", "bad ref", "refs/heads/x.lock"])
    func invalidRefIsRejectedBeforeAnythingIsCreated(ref: String) async throws {
        try await withServedRepository { served, scratch in
            let target = scratch.appendingPathComponent("bad")
            let error = await #expect(throws: GitError.self) {
                try await client.clone(served.source, into: target.path, options: CloneOptions(ref: ref))
            }
            #expect(error?.code == .invalidInput)
            #expect(!FileManager.default.fileExists(atPath: target.path))
            #expect(served.server.requestCount == 0)
        }
    }

    @Test func nonEmptyDirectoryIsRejectedAndKept() async throws {
        try await withServedRepository { served, scratch in
            let keep = scratch.appendingPathComponent("keep.txt")
            try Data("mine".utf8).write(to: keep)
            let error = await #expect(throws: GitError.self) { try await client.clone(served.source, into: scratch.path) }
            #expect(error?.code == .invalidInput)
            #expect(FileManager.default.fileExists(atPath: keep.path))
        }
    }

    @Test func unreachableServerIsANetworkError() async throws {
        // A port that was just free: nothing listens there.
        let server = try await UnresponsiveServer.start()
        let port = server.port
        try await server.shutdown()
        try await TemporaryDirectory.with { scratch in
            let source = try RepositorySource.parse("http://127.0.0.1:\(port)/acme/widgets.git")
            let error = await #expect(throws: GitError.self) {
                try await client.clone(source, into: scratch.appendingPathComponent("x").path)
            }
            #expect(error?.code == .network)
            #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("x").path))
        }
    }
}

final class Counter: Sendable {
    private let storage = Mutex(0)
    func increment() { storage.withLock { $0 += 1 } }
    var value: Int { storage.withLock { $0 } }
}

@Suite struct GitCheckoutFilterTests {
    @Test func attributesStillApplyFilters() async throws {
        let spec = GitFixture.Spec(commits: 1, files: 2, extraFiles: [".gitattributes": "*.txt text eol=crlf\n"])
        try await withServedRepository(spec: spec) { served, scratch in
            let target = scratch.appendingPathComponent("crlf")
            _ = try await GitClient().clone(served.source, into: target.path)
            let data = try Data(contentsOf: target.appendingPathComponent(GitFixture.filePath(0)))
            #expect(String(decoding: data, as: UTF8.self).hasSuffix("\r\n"))
            #expect(try git("status", "--porcelain", in: target).isEmpty)
        }
    }

    @Test func withoutAttributesFilesAreCheckedOutAsStored() async throws {
        try await withServedRepository(spec: GitFixture.Spec(commits: 1, files: 2)) { served, scratch in
            let target = scratch.appendingPathComponent("plain")
            _ = try await GitClient().clone(served.source, into: target.path)
            let data = try Data(contentsOf: target.appendingPathComponent(GitFixture.filePath(0)))
            #expect(!String(decoding: data, as: UTF8.self).contains("\r\n"))
            #expect(try git("status", "--porcelain", in: target).isEmpty)
        }
    }
}
