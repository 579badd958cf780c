import Foundation
import JobCore
import JobCoreTesting
import Testing

/// Issue 18 §1: on a terminal, `jobctl clone` shows each phase as git does, redraws a line only
/// when what it says changed, and closes each phase with ", done." — no finished "receiving
/// objects" line repeated while deltas resolve and files are checked out.
@Suite struct CloneProgressLineTests {
    @Test func eachPhaseIsShownOnceAndFinished() async throws {
        try await TemporaryDirectory.with(prefix: "cli-progress") { root in
            try GitFixture.makeBareRepository(at: root.appendingPathComponent("srv/acme/big.git"), spec: .init(commits: 200, files: 3000))
            let server = try await LocalGitServer.start(root: root.appendingPathComponent("srv"))
            defer { Task { try? await server.shutdown() } }
            let target = root.appendingPathComponent("out")
            // `script` gives jobctl a terminal (a pty) and copies what it writes to stdout.
            let command = "\(JobctlProcess.binary.path) clone \(server.url(for: "acme/big.git")) \(target.path)"
            let output = try await DedicatedThread.run(name: "script") { try GitFixture.run(["script", "-qec", command, "/dev/null"]) }
            let draws = output.replacingOccurrences(of: "\u{1B}[K", with: "").replacingOccurrences(of: "\r\n", with: "\n")
                .split(whereSeparator: { $0 == "\r" || $0 == "\n" }).map(String.init).filter { !$0.isEmpty }
            // The same text is never drawn twice in a row.
            #expect(zip(draws, draws.dropFirst()).allSatisfy { $0 != $1 }, "\(draws)")
            let receivedDone = try #require(draws.firstIndex { $0.hasPrefix("receiving objects: 100%") && $0.hasSuffix(", done.") }, "\(draws)")
            #expect(!draws[(receivedDone + 1)...].contains { $0.hasPrefix("receiving objects") }, "\(draws)")
            #expect(draws.contains("checking out files: 100% (3000/3000), done."), "\(draws)")
            #expect(draws.last?.hasPrefix("cloned branch main") == true, "\(draws)")
        }
    }
}
