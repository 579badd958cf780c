import ArgumentParser
import Foundation
import JobCore

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the environment: libgit2, the workspace root, credentials.",
        discussion: """
        Exits 1 when something jobctl needs is missing (libgit2 without shallow support, an
        unwritable workspace root).

        Example:
          jobctl doctor --json
        """
    )

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            let report = DoctorReport.make(workspaceRoot: global.resolvedWorkspaceRoot)
            if json {
                try JSONOutput.print(report)
            } else {
                print(report.text)
            }
            if !report.problems.isEmpty { throw ExitCode(1) }
        }
    }
}

struct DoctorReport: Encodable {
    struct WorkspaceRoot: Encodable {
        var path: String
        var exists: Bool
        var writable: Bool
    }

    struct Credentials: Encodable {
        /// Whether GITHUB_TOKEN is set (its value is never shown).
        var githubTokenSet: Bool
    }

    var libgit2: LibGit2.Info
    var workspaceRoot: WorkspaceRoot
    var credentials: Credentials
    var problems: [String]

    static func make(workspaceRoot path: String) -> DoctorReport {
        let info = LibGit2.info
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        let writable = exists && manager.isWritableFile(atPath: path)
        var problems: [String] = []
        if !info.shallow { problems.append("libgit2 \(info.version) cannot fetch shallow histories: install libgit2 1.7 or later") }
        if exists && !writable { problems.append("the workspace root \(path) is not writable") }
        if !exists && !manager.isWritableFile(atPath: (path as NSString).deletingLastPathComponent) {
            problems.append("the workspace root \(path) does not exist and cannot be created")
        }
        let token = ProcessInfo.processInfo.environment["GITHUB_TOKEN"].map { !$0.isEmpty } ?? false
        return DoctorReport(
            libgit2: info, workspaceRoot: WorkspaceRoot(path: path, exists: exists, writable: writable),
            credentials: Credentials(githubTokenSet: token), problems: problems
        )
    }

    var text: String {
        func mark(_ ok: Bool) -> String { ok ? "yes" : "no" }
        var lines = [
            "libgit2         \(libgit2.version) (https: \(mark(libgit2.https)), ssh: \(mark(libgit2.ssh)), shallow: \(mark(libgit2.shallow)), threads: \(mark(libgit2.threads)))",
            "workspace root  \(workspaceRoot.path) (exists: \(mark(workspaceRoot.exists)), writable: \(mark(workspaceRoot.writable)))",
            "credentials     GITHUB_TOKEN \(credentials.githubTokenSet ? "set" : "not set")",
        ]
        lines += problems.map { "problem: \($0)" }
        return lines.joined(separator: "\n")
    }
}
