import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Issue 18 §2: workspaces from a mirror cache, checked against fresh clones of the same remote.
@Suite struct RepositoryCacheTests {
    static let token = Secret("ghs_cacheTokenValue_1234567890")

    /// A served repository, a cache directory and a scratch directory.
    struct Setup {
        let served: ServedRepository
        let cacheDirectory: URL
        let scratch: URL
        var bare: URL { served.directory.url.appendingPathComponent("acme/widgets.git") }

        func cache(maxSize: Int64? = nil) -> RepositoryCache {
            RepositoryCache(configuration: .init(directory: cacheDirectory.path, maxSize: maxSize))
        }

        func target(_ name: String) -> String { scratch.appendingPathComponent(name).path }

        /// Adds `count` commits to `branch` of the served repository (each changes one file and adds one).
        func addCommits(_ count: Int, on branch: String = "main") throws {
            let work = scratch.appendingPathComponent("writer-\(UUID().uuidString)")
            _ = try GitFixture.git(["clone", "--quiet", "--branch", branch, bare.path, work.path])
            for number in 1...count {
                try Data("change \(number)\n".utf8).write(to: work.appendingPathComponent(GitFixture.filePath(0)))
                try Data("new \(number)\n".utf8).write(to: work.appendingPathComponent("new-\(UUID().uuidString).txt"))
                _ = try git("add", "-A", in: work)
                _ = try git("-c", "user.name=W", "-c", "user.email=w@example.com", "commit", "--quiet", "-m", "new \(number)", in: work)
            }
            _ = try git("push", "--quiet", "origin", branch, in: work)
            try FileManager.default.removeItem(at: work)
        }

        /// The only mirror directory of the cache.
        func mirror() throws -> URL {
            let mirrors = cacheDirectory.appendingPathComponent("mirrors")
            let names = try FileManager.default.contentsOfDirectory(atPath: mirrors.path).filter { $0.hasSuffix(".git") }
            try #require(names.count == 1)
            return mirrors.appendingPathComponent(names[0])
        }
    }

    func withSetup(files: Int = 4, token: Secret? = nil, _ body: (Setup) async throws -> Void) async throws {
        try await withServedRepository(spec: .init(commits: 10, files: files, branches: ["feature/x"], tags: ["v1.0"]), token: token) { served, scratch in
            let cacheDirectory = scratch.appendingPathComponent("cache")
            try await body(Setup(served: served, cacheDirectory: cacheDirectory, scratch: scratch))
        }
    }

    /// What a work tree is, for comparing a cached workspace with a clone.
    func describe(_ path: String) throws -> [String] {
        let directory = URL(fileURLWithPath: path)
        return try [
            git("rev-parse", "HEAD", in: directory),
            git("rev-parse", "HEAD^{tree}", in: directory),
            git("symbolic-ref", "--quiet", "HEAD", in: directory, allowFailure: true),
            git("for-each-ref", "--format=%(refname) %(objectname) %(upstream)", in: directory),
            git("config", "--get-regexp", "^remote\\.", in: directory),
            git("rev-list", "--count", "HEAD", in: directory),
            git("status", "--porcelain", in: directory),
            git("ls-files", "--stage", in: directory),
            String(FileManager.default.fileExists(atPath: directory.appendingPathComponent(".git/shallow").path)),
        ]
    }

    @Test func aCachedWorkspaceIsTheSameAsAFreshClone() async throws {
        try await withSetup { setup in
            let cache = setup.cache()
            let fresh = try await GitClient().clone(setup.served.source, into: setup.target("fresh"))
            let first = try await cache.clone(setup.served.source, into: setup.target("first"))
            let second = try await cache.clone(setup.served.source, into: setup.target("second"))
            #expect(first.outcome == .fill)
            #expect(second.outcome == .hit)
            #expect(first.result.commit == fresh.commit && second.result.commit == fresh.commit)
            #expect(first.result.ref == "refs/heads/main" && second.result.branch == "main" && second.result.isShallow)
            let expected = try describe(setup.target("fresh"))
            #expect(try describe(setup.target("first")) == expected)
            #expect(try describe(setup.target("second")) == expected)
            #expect(try git("fsck", "--no-dangling", in: URL(fileURLWithPath: setup.target("second"))).isEmpty)
            // The mirror's configuration knows no remote.
            #expect(try git("config", "--list", "--local", in: setup.mirror()).contains("remote.") == false)
        }
    }

    @Test(arguments: [("feature/x", "branch"), ("v1.0", "tag"), ("refs/tags/v1.0", "full tag ref")])
    func branchesAndTagsMatchAFreshClone(ref: String, _ what: String) async throws {
        try await withSetup { setup in
            let cache = setup.cache()
            _ = try await cache.clone(setup.served.source, into: setup.target("warm"))
            let fresh = try await GitClient().clone(setup.served.source, into: setup.target("fresh"), options: CloneOptions(ref: ref))
            let cached = try await cache.clone(setup.served.source, into: setup.target("cached"), options: CloneOptions(ref: ref))
            let result = cached.result
            #expect([result.ref, result.branch ?? "-", result.commit, "\(result.isShallow)"]
                == [fresh.ref, fresh.branch ?? "-", fresh.commit, "\(fresh.isShallow)"], "\(what)")
            #expect(try describe(setup.target("cached")) == describe(setup.target("fresh")), "\(what)")
        }
    }

    @Test func newCommitsOnTheRemoteAreFetchedIncrementally() async throws {
        try await withSetup(files: 300) { setup in
            let cache = setup.cache()
            let first = try await cache.clone(setup.served.source, into: setup.target("first"))
            try setup.addCommits(20)
            let second = try await cache.clone(setup.served.source, into: setup.target("second"))
            #expect(second.outcome == .update)
            #expect(second.result.commit == (try git("rev-parse", "main", in: setup.bare)))
            #expect(second.result.commit != first.result.commit)
            // Depth 1 still: one commit of history, however many the mirror holds.
            #expect(try git("rev-list", "--count", "HEAD", in: URL(fileURLWithPath: setup.target("second"))) == "1")
            // Only the new tip's changed objects travelled: a commit, its trees and the 21 new blobs.
            #expect(second.result.progress.receivedObjects < 30)
            #expect(first.result.progress.receivedObjects > 300)
            let fresh = try await GitClient().clone(setup.served.source, into: setup.target("fresh"))
            #expect(try describe(setup.target("second")) == describe(setup.target("fresh")))
            // A branch moved back to an older commit: the workspace follows the remote, with no fetch.
            _ = try git("update-ref", "refs/heads/main", first.result.commit, in: setup.bare)
            let third = try await cache.clone(setup.served.source, into: setup.target("third"))
            #expect(third.outcome == .hit)
            #expect(third.result.commit == first.result.commit && fresh.commit != first.result.commit)
        }
    }

    @Test func manyUpdatesAreConsolidatedIntoOnePackAndEarlierWorkspacesStayIntact() async throws {
        try await withSetup { setup in
            let cache = setup.cache()
            let first = try await cache.clone(setup.served.source, into: setup.target("first"))
            #expect(first.outcome == .fill)
            for round in 1...17 {
                try setup.addCommits(1)
                let next = try await cache.clone(setup.served.source, into: setup.target("round-\(round)"))
                #expect(next.outcome == .update)
            }
            let packs = try FileManager.default.contentsOfDirectory(atPath: setup.mirror().appendingPathComponent("objects/pack").path)
            #expect(packs.filter { $0.hasSuffix(".pack") }.count <= 16, "\(packs)")
            _ = try await GitClient().clone(setup.served.source, into: setup.target("fresh"))
            #expect(try describe(setup.target("round-17")) == describe(setup.target("fresh")))
            for name in ["first", "round-1", "round-16", "round-17"] {
                #expect(try git("fsck", "--no-dangling", in: URL(fileURLWithPath: setup.target(name))).isEmpty, "\(name)")
            }
            let hit = try await cache.clone(setup.served.source, into: setup.target("hit"))
            #expect(hit.outcome == .hit)
            #expect(try describe(setup.target("hit")) == describe(setup.target("fresh")))
        }
    }

    @Test func deeperHistoryDeepensTheMirrorOnce() async throws {
        try await withSetup { setup in
            let cache = setup.cache()
            _ = try await cache.clone(setup.served.source, into: setup.target("shallow"))
            let three = try await cache.clone(setup.served.source, into: setup.target("three"), options: CloneOptions(depth: 3))
            #expect(three.outcome == .update)
            #expect(try git("rev-list", "--count", "HEAD", in: URL(fileURLWithPath: setup.target("three"))) == "3")
            let full = try await cache.clone(setup.served.source, into: setup.target("full"), options: CloneOptions(depth: 0))
            #expect(full.outcome == .update)
            #expect(!full.result.isShallow)
            #expect(try git("rev-list", "--count", "HEAD", in: URL(fileURLWithPath: setup.target("full"))) == "10")
            let again = try await cache.clone(setup.served.source, into: setup.target("again"), options: CloneOptions(depth: 0))
            #expect(again.outcome == .hit)
            let two = try await cache.clone(setup.served.source, into: setup.target("two"), options: CloneOptions(depth: 2))
            #expect(two.outcome == .hit)
            #expect(two.result.isShallow)
            #expect(try git("rev-list", "--count", "HEAD", in: URL(fileURLWithPath: setup.target("two"))) == "2")
            #expect(try git("fsck", "--no-dangling", in: URL(fileURLWithPath: setup.target("two"))).isEmpty)
        }
    }

    enum Corruption: String, CaseIterable, CustomTestStringConvertible {
        case truncatedPack, missingObjects, brokenRef, alteredObject
        var testDescription: String { rawValue }
    }

    @Test(arguments: Corruption.allCases)
    func aCorruptMirrorIsRebuiltAndTheWorkspaceIsStillRight(_ corruption: Corruption) async throws {
        try await withSetup { setup in
            let cache = setup.cache()
            _ = try await cache.clone(setup.served.source, into: setup.target("first"))
            let mirror = try setup.mirror()
            let packs = mirror.appendingPathComponent("objects/pack")
            let pack = try #require(try FileManager.default.contentsOfDirectory(atPath: packs.path).first { $0.hasSuffix(".pack") })
            let packURL = packs.appendingPathComponent(pack)
            switch corruption {
            case .truncatedPack:
                let data = try Data(contentsOf: packURL)
                try data.prefix(data.count / 2).write(to: packURL)
            case .missingObjects:
                for name in try FileManager.default.contentsOfDirectory(atPath: packs.path) {
                    try FileManager.default.removeItem(at: packs.appendingPathComponent(name))
                }
            case .brokenRef:
                _ = try git("pack-refs", "--all", in: mirror)
                try Data("not a ref at all\n".utf8).write(to: mirror.appendingPathComponent("packed-refs"))
            case .alteredObject:
                // Same ids, same pack and index checksums: only reading the blob shows the change.
                try Self.replaceBlobKeepingItsID(in: mirror)
            }
            let second = try await cache.clone(setup.served.source, into: setup.target("second"))
            #expect(second.outcome == .rebuild)
            _ = try await GitClient().clone(setup.served.source, into: setup.target("fresh"))
            #expect(try describe(setup.target("second")) == describe(setup.target("fresh")))
            #expect(try git("fsck", "--no-dangling", in: URL(fileURLWithPath: setup.target("second"))).isEmpty)
            let third = try await cache.clone(setup.served.source, into: setup.target("third"))
            #expect(third.outcome == .hit)
        }
    }

    @Test func evictionKeepsTheCacheUnderItsLimitAndSparesTheMirrorJustUsed() async throws {
        try await withSetup { setup in
            let other = setup.served.directory.url.appendingPathComponent("acme/gadgets.git")
            try GitFixture.makeBareRepository(at: other, spec: .init(commits: 2))
            let gadgets = try RepositorySource.parse("acme/gadgets", resolution: .init(baseURL: setup.served.server.baseURL))
            let unbounded = setup.cache()
            _ = try await unbounded.clone(setup.served.source, into: setup.target("widgets"))
            let entries = try await unbounded.list()
            #expect(entries.map(\.url) == [setup.served.source.location])
            #expect(entries[0].sizeBytes > 0 && entries[0].requests == ["fill": 1] && !entries[0].inUse)
            // A limit smaller than one mirror: using gadgets evicts widgets, not gadgets.
            let bounded = setup.cache(maxSize: 1)
            _ = try await bounded.clone(gadgets, into: setup.target("gadgets"))
            #expect(try await bounded.list().map(\.url) == [gadgets.location])
            let statistics = try await bounded.statistics()
            #expect(statistics.mirrors == 1 && statistics.maxSizeBytes == 1 && statistics.hitRate == 0)
            // prune applies the limit to what is left and removes what a fill that died left
            // behind; clear empties the cache.
            let interrupted = setup.cacheDirectory.appendingPathComponent("mirrors/dead-0123456789abcdef.git.tmp")
            try FileManager.default.createDirectory(at: interrupted.appendingPathComponent("objects"), withIntermediateDirectories: true)
            #expect(try await bounded.prune().map(\.url) == [gadgets.location])
            #expect(!FileManager.default.fileExists(atPath: interrupted.path))
            _ = try await unbounded.clone(setup.served.source, into: setup.target("widgets-again"))
            _ = try await unbounded.clone(setup.served.source, into: setup.target("widgets-hit"))
            #expect(try await unbounded.statistics().hitRate == 0.5)
            #expect(try await unbounded.clear().count == 1)
            #expect(try await unbounded.list().isEmpty)
        }
    }

    @Test func aMirrorInUseIsNotEvictedAndALockHolderThatDiesDoesNotBlock() async throws {
        try await withSetup { setup in
            let cache = setup.cache()
            _ = try await cache.clone(setup.served.source, into: setup.target("first"))
            let lockFile = try setup.mirror().path.replacingOccurrences(of: ".git", with: ".lock", options: .backwards)
            // Another process holds the mirror's lock, as a crashed updater would have held it.
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            holder.arguments = ["python3", "-c", """
                import fcntl, sys, time
                lock = open(sys.argv[1], "a")
                fcntl.flock(lock, fcntl.LOCK_EX)
                print("locked", flush=True)
                time.sleep(600)
                """, lockFile]
            let started = Pipe()
            holder.standardOutput = started
            try holder.run()
            _ = started.fileHandleForReading.availableData  // waits for "locked"
            #expect(try await cache.list().map(\.inUse) == [true])
            #expect(try await cache.clear().isEmpty)
            // A workspace request waits for the lock; killing the holder lets it through.
            async let waiting = cache.clone(setup.served.source, into: setup.target("second"))
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
            #expect(try await waiting.outcome == .hit)
            #expect(try await cache.list().map(\.inUse) == [false])
        }
    }

    @Test func concurrentWorkspacesShareOneMirror() async throws {
        try await withSetup { setup in
            let cache = setup.cache()
            let outcomes = try await withThrowingTaskGroup(of: RepositoryCache.Outcome?.self) { group in
                for index in 0..<8 {
                    group.addTask { try await cache.clone(setup.served.source, into: setup.target("ws-\(index)")).outcome }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .fill }.count == 1)
            #expect(outcomes.filter { $0 == .hit }.count == 7)
            let expected = try describe(setup.target("ws-0"))
            for index in 1..<8 { #expect(try describe(setup.target("ws-\(index)")) == expected) }
        }
    }

    @Test func theTokenIsNeverWrittenToTheCacheAndAWrongOneFailsCleanly() async throws {
        try await withSetup(token: Self.token) { setup in
            let cache = setup.cache()
            let wrong = await #expect(throws: GitError.self) {
                try await cache.clone(setup.served.source, into: setup.target("wrong"), credentials: .token(Secret("ghs_wrong_000000000000")))
            }
            #expect(wrong?.code == .authentication)
            #expect(!FileManager.default.fileExists(atPath: setup.target("wrong")))
            let first = try await cache.clone(setup.served.source, into: setup.target("first"), credentials: .token(Self.token))
            try setup.addCommits(2)
            let second = try await cache.clone(setup.served.source, into: setup.target("second"), credentials: .token(Self.token))
            #expect(first.outcome == .fill && second.outcome == .update)
            let token = Array(Self.token.revealed().utf8)
            #expect(try filesContaining(token, under: setup.cacheDirectory) == [])
            #expect(try filesContaining(token, under: URL(fileURLWithPath: setup.target("second"))) == [])
            #expect(try !filesContaining(Array("widgets".utf8), under: setup.cacheDirectory).isEmpty)  // the search finds what is there
        }
    }

    @Test func aWorkspaceManagerWithACachePushesAsWithAClone() async throws {
        try await withSetup(token: Self.token) { setup in
            let manager = LocalWorkspaceManager(configuration: .init(root: setup.scratch.path, cache: setup.cache()))
            for round in 1...2 {
                let options = WorkspaceOptions(source: setup.served.source, branch: "agent/round-\(round)", credentials: .token(Self.token))
                let commit = try await manager.withWorkspace(options) { workspace in
                    let directory = URL(fileURLWithPath: workspace.directory)
                    try Data("round \(round)\n".utf8).write(to: directory.appendingPathComponent("ROUND.md"))
                    let commit = try await workspace.commitAll(message: "Round \(round)")
                    try await workspace.push()
                    return commit
                }
                #expect(try git("rev-parse", "refs/heads/agent/round-\(round)", in: setup.bare) == commit)
            }
        }
    }
}

/// The regular files under `directory` whose bytes contain `needle`.
private func filesContaining(_ needle: [UInt8], under directory: URL) throws -> [String] {
    var found: [String] = []
    let enumerator = try #require(FileManager.default.enumerator(atPath: directory.path))
    while let relative = enumerator.nextObject() as? String {
        let path = directory.appendingPathComponent(relative).path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        if bytes.count >= needle.count, (0...(bytes.count - needle.count)).contains(where: { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }) {
            found.append(relative)
        }
    }
    return found
}

private func git(_ arguments: String..., in directory: URL, allowFailure: Bool) throws -> String {
    (try? GitFixture.git(arguments, in: directory))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
}
