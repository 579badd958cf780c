import Foundation
import JobCore
import JobCoreTesting
import Testing

@Suite struct WorkspaceIdentityTests {
    @Test func aWorkspaceIdentityOverridesTheManagersAndMessagesEndWithANewline() async throws {
        try await withServedRepository { served, root in
            let manager = LocalWorkspaceManager(configuration: .init(root: root.path, identity: GitIdentity(name: "Manager Bot", email: "m@example.com")))
            let identity = try GitIdentity(parsing: "Review Bot <review-bot@example.com>")
            let options = WorkspaceOptions(source: served.source, branch: "agent/identity", identity: identity)
            try await manager.withWorkspace(options) { workspace in
                let directory = URL(fileURLWithPath: workspace.directory)
                try Data("x\n".utf8).write(to: directory.appendingPathComponent("x.txt"))
                try await workspace.commitAll(message: "Fix it")
                #expect(try git("log", "-1", "--format=%an <%ae>|%cn <%ce>", in: directory)
                    == "Review Bot <review-bot@example.com>|Review Bot <review-bot@example.com>")
                // The raw commit object: the message ends with exactly one newline, as `git commit` writes it.
                let raw = try GitFixture.git(["cat-file", "commit", "HEAD"], in: directory)
                #expect(raw.hasSuffix("\n\nFix it\n"))
                try Data("y\n".utf8).write(to: directory.appendingPathComponent("y.txt"))
                try await workspace.commitAll(message: "Already terminated\n")
                #expect(try GitFixture.git(["cat-file", "commit", "HEAD"], in: directory).hasSuffix("\n\nAlready terminated\n"))
            }
        }
    }

    @Test func parsesNameAndEmail() throws {
        let identity = try GitIdentity(parsing: "  Fix Bot Jr. <bot+1@example.com> ")
        #expect(identity == GitIdentity(name: "Fix Bot Jr.", email: "bot+1@example.com"))
        #expect("\(identity)" == "Fix Bot Jr. <bot+1@example.com>")
        for bad in ["Fix Bot", "<bot@example.com>", "Bot <>", "Bot <a b@example.com>", "B<o>t <b@e.com>", "Bot\n <b@e.com>", "Bot <b@e.com> x"] {
            #expect(throws: GitError.self, "\(bad)") { try GitIdentity(parsing: bad) }
        }
    }
}
