import Foundation
import JobCore
import JobCoreTesting
import Testing

/// The threat model's hostile repository (docs/guarantees.md): a tree crafted with Git's plumbing
/// to carry a `.git` directory of its own (a hook and a configuration that would run a command)
/// and a link out of the work tree. A clone runs nothing from it and writes nothing outside.
@Suite(.timeLimit(.minutes(3))) struct HostileRepositoryTests {
    @Test func aCraftedTreeRunsNothingAndWritesNothingOutsideTheWorkTree() async throws {
        try await TemporaryDirectory.with(prefix: "hostile") { root in
            let marker = root.appendingPathComponent("ran")
            let outside = root.appendingPathComponent("outside")
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            let bare = root.appendingPathComponent("evil.git")
            try GitFixture.git(["init", "-q", "--bare", "-b", "main", bare.path])
            // Trees no porcelain would write: `.git/hooks/post-checkout`, `.git/config` with an
            // fsmonitor command, `.GIT/hooks/…`, and a link pointing out of the work tree.
            try GitFixture.shell("""
                set -e
                hook=$(printf '#!/bin/sh\\ntouch "%s"\\n' '\(marker.path)' | git hash-object -w --stdin)
                config=$(printf '[core]\\n\\tfsmonitor = touch %s\\n\\thooksPath = hooks\\n' '\(marker.path)' | git hash-object -w --stdin)
                hooks=$(printf '100755 blob %s\\tpost-checkout\\n' "$hook" | git mktree)
                dotgit=$(printf '100644 blob %s\\tconfig\\n040000 tree %s\\thooks\\n' "$config" "$hooks" | git mktree)
                link=$(printf '%s' '\(outside.path)' | git hash-object -w --stdin)
                readme=$(echo hello | git hash-object -w --stdin)
                tree=$(printf '040000 tree %s\\t.GIT\\n040000 tree %s\\t.git\\n100644 blob %s\\tREADME\\n120000 blob %s\\tout\\n' "$dotgit" "$dotgit" "$readme" "$link" | git mktree)
                commit=$(git commit-tree "$tree" -m crafted)
                git update-ref refs/heads/main "$commit"
                """, in: bare, environment: ["GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@example.com",
                                            "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@example.com"])
            let manager = LocalWorkspaceManager(configuration: .init(root: root.appendingPathComponent("ws").path))
            let options = WorkspaceOptions(source: try RepositorySource.parse(bare.path))
            do {
                try await manager.withWorkspace(options) { workspace in
                    let work = URL(fileURLWithPath: workspace.directory)
                    // Whatever was checked out, the crafted `.git` entries did not land in the real `.git`.
                    #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent(".git/hooks/post-checkout").path))
                    let config = try String(contentsOf: work.appendingPathComponent(".git/config"), encoding: .utf8)
                    #expect(!config.contains("fsmonitor"))
                    // The link is a link; nothing was written through it.
                    let target = try? FileManager.default.destinationOfSymbolicLink(atPath: work.appendingPathComponent("out").path)
                    #expect(target == nil || target == outside.path)
                }
            } catch let error as GitError {
                // Refusing the crafted tree outright is as good.
                #expect(error.code == .invalidInput || error.code == .other, "\(error)")
            }
            #expect(!FileManager.default.fileExists(atPath: marker.path), "a command from the repository ran")
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        }
    }
}
