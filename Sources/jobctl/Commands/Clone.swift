import ArgumentParser
import Foundation
import JobCore

struct Clone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a one-off authenticated shallow clone.",
        discussion: """
        Fetches only the requested ref (default: the remote's default branch), depth 1 unless \
        --depth says otherwise (0 = full history). The token comes from --token-env (default \
        GITHUB_TOKEN) and is never written to .git/config. With --cache, the clone is made from \
        a mirror of the repository kept in that directory, brought up to date first.

        Example:
          GITHUB_TOKEN=… jobctl clone acme/widgets ./widgets --ref release/2.0
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var credentials: CredentialOptions
    @OptionGroup var timeouts: GitTimeoutOptions
    @OptionGroup var cache: CacheOptions

    @Argument(help: "https URL, owner/repo, or a local path.") var source: String
    @Argument(help: "Directory to create (must not exist, or be empty).") var directory: String

    @Option(name: .customLong("installation-id"), help: ArgumentHelp("GitHub App installation to act as (with --github-app-id).", valueName: "id"))
    var installationID: String?
    @Option(help: "Branch, tag or full ref (default: the remote's default branch).") var ref: String?
    @Option(help: "Commits of history to fetch; 0 = full history.") var depth: Int = 1
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        guard depth >= 0, depth <= Int(Int32.max) else { throw ValidationError("--depth must be from 0 (full history) to \(Int32.max)") }
    }

    func run() async throws {
        try await reportingErrors(credential: self.credentials.describe(installationID: installationID)) {
            let logger = global.makeLogger()
            timeouts.apply()
            let source = try repository.source(self.source)
            let credentials = try self.credentials.credentials(installationID: installationID, logger: logger)
            let progress = ProgressLine(enabled: !json && Terminal.standardError.isTerminal)
            let options = CloneOptions(ref: ref, depth: depth)
            let (result, outcome) = if let cache = try cache.cache(logger: logger) {
                try await cache.clone(source, into: directory, options: options, credentials: credentials, progress: progress.update)
            } else {
                (try await GitClient(logger: logger).clone(source, into: directory, options: options, credentials: credentials, progress: progress.update), nil)
            }
            progress.finish()
            if json {
                try JSONOutput.print(CloneOutput(result, cache: outcome))
            } else {
                let what = result.branch.map { "branch \($0)" } ?? result.ref
                let cached = outcome.map { ", cache \($0.rawValue)" } ?? ""
                print("cloned \(what) at \(result.commit.prefix(12)) into \(result.directory)\(result.isShallow ? " (shallow)" : "")\(cached)")
            }
        }
    }
}

/// `jobctl clone --json` output.
struct CloneOutput: Encodable {
    var directory: String
    var ref: String
    var branch: String?
    var commit: String
    var shallow: Bool
    var receivedObjects: Int
    var receivedBytes: Int
    /// What the repository cache needed (`hit`, `update`, `fill`, `rebuild`), with `--cache`.
    var cache: RepositoryCache.Outcome?

    init(_ result: CloneResult, cache: RepositoryCache.Outcome? = nil) {
        self.cache = cache
        directory = result.directory
        ref = result.ref
        branch = result.branch
        commit = result.commit
        shallow = result.isShallow
        receivedObjects = result.progress.receivedObjects
        receivedBytes = result.progress.receivedBytes
    }
}
