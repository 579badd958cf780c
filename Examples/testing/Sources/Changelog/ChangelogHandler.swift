import Foundation
public import JobCore
import Logging

/// Runs ``ChangelogEntry`` jobs: a workspace on the feature branch, one line added at the top of
/// `CHANGELOG.md` (dated by the injected clock), a commit, a push.
///
/// Everything it touches from outside is injected — workspaces, tokens, the Git host, time — so a
/// test can run it against a local Git server with a fake token provider and a manual clock.
public struct ChangelogHandler: Sendable {
    let workspaces: any WorkspaceManager
    let tokens: any TokenProvider
    let resolution: RepositorySource.Resolution
    let clock: any WallClock

    /// Creates a handler.
    /// - Parameters:
    ///   - workspaces: where workspaces are made.
    ///   - tokens: the credentials, by installation.
    ///   - gitBaseURL: where `owner/repo` lives. Defaults to `https://github.com`.
    ///   - clock: dates the entries. Defaults to the system clock.
    public init(workspaces: any WorkspaceManager, tokens: any TokenProvider, gitBaseURL: String = "https://github.com",
                clock: any WallClock = SystemClock()) {
        self.workspaces = workspaces
        self.tokens = tokens
        self.resolution = RepositorySource.Resolution(baseURL: gitBaseURL)
        self.clock = clock
    }

    /// Registers the handler for ``ChangelogEntry/kind``.
    public func register(in handlers: inout JobHandlers) {
        handlers.register(ChangelogEntry.kind) { entry, context in try await run(entry, context) }
    }

    /// Runs one attempt.
    /// - Throws: `JobFailure.permanent` for what another attempt cannot fix (an unknown
    ///   repository, a refused token, a rejected push); other errors are retried with back-off.
    public func run(_ entry: ChangelogEntry, _ context: JobContext) async throws -> ChangelogResult {
        do {
            let options = WorkspaceOptions(
                source: try RepositorySource.parse(entry.repository, resolution: resolution), branch: entry.branch,
                credentials: .provider(tokens, tenant: entry.installationID), jobID: context.id.description
            )
            return try await workspaces.withWorkspace(options) { workspace in
                let file = URL(fileURLWithPath: workspace.directory).appendingPathComponent("CHANGELOG.md")
                let existing = (try? String(contentsOf: file, encoding: .utf8)) ?? "# Changelog\n"
                try Data(Self.adding(entry.text, on: clock.now, to: existing).utf8).write(to: file)
                guard let commit = try await workspace.commitAll(message: "Changelog: \(entry.text)") else {
                    throw JobFailure.permanent("nothing changed")
                }
                try await workspace.push()
                context.add("entries", 1)
                context.logger.info("changelog entry pushed", metadata: ["commit": "\(commit)"])
                return ChangelogResult(commit: commit, branch: entry.branch)
            }
        } catch let error as GitError where [.authentication, .notFound, .invalidInput, .rejected].contains(error.code) {
            throw JobFailure.permanent(error.message)
        } catch let error as TokenError where error.isCredentialFailure {
            throw JobFailure.permanent(error.message)
        }
    }

    /// The changelog with `text` added under its title, dated `date` (UTC).
    static func adding(_ text: String, on date: Date, to changelog: String) -> String {
        var lines = changelog.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let day = date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day())
        let title = lines.firstIndex { $0.hasPrefix("# ") }.map { $0 + 1 } ?? 0
        lines.insert("- \(day): \(text)", at: title)
        return lines.joined(separator: "\n")
    }
}
