import ArgumentParser
import Foundation
import JobCore
import Logging

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the environment: libgit2, the workspace root, credentials.",
        discussion: """
        Exits 1 when something jobctl needs is missing (libgit2 without shallow support, an \
        unwritable workspace root).

        Example:
          jobctl doctor --json
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var cache: CacheOptions
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            var report = DoctorReport.make(workspaceRoot: global.resolvedWorkspaceRoot)
            report.store = await DoctorReport.Store.check(global)
            if let error = report.store?.error { report.problems.append("the store cannot be used: \(error)") }
            if cache.resolvedDirectory != nil {
                do {
                    let statistics = try await cache.cache(logger: global.makeLogger())?.statistics()
                    report.cache = statistics
                    if let directory = statistics?.directory, !FileManager.default.isWritableFile(atPath: directory) {
                        report.problems.append("the cache \(directory) is not writable")
                    }
                } catch {
                    report.problems.append("the cache cannot be used: \(CLIError.from(error).message)")
                }
            }
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

    struct Store: Encodable {
        var location: String
        var reachable: Bool
        var jobs: Int?
        var error: String?

        static func check(_ global: GlobalOptions) async -> Store {
            let location = (try? global.storeOptions.location().description) ?? "invalid"
            do {
                var logger = global.makeLogger()
                logger.logLevel = .critical
                let jobs = try await global.withStore(logger: logger) { store in try await store.count(JobFilter()) }
                return Store(location: location, reachable: true, jobs: jobs)
            } catch {
                return Store(location: location, reachable: false, error: CLIError.from(error).message)
            }
        }
    }

    var libgit2: LibGit2.Info
    var store: Store?
    /// The repository cache's figures, with `--cache`.
    var cache: RepositoryCache.Statistics?
    var workspaceRoot: WorkspaceRoot
    var credentials: Credentials
    /// Whether other processes of the same user are kept out of this process's memory
    /// (non-dumpable; see `protectProcessMemory()`).
    var memoryProtected: Bool
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
            libgit2: info, store: nil, cache: nil, workspaceRoot: WorkspaceRoot(path: path, exists: exists, writable: writable),
            credentials: Credentials(githubTokenSet: token), memoryProtected: isProcessMemoryProtected, problems: problems
        )
    }

    var text: String {
        func mark(_ ok: Bool) -> String { ok ? "yes" : "no" }
        var lines = [
            "libgit2         \(libgit2.version) (https: \(mark(libgit2.https)), ssh: \(mark(libgit2.ssh)), shallow: \(mark(libgit2.shallow)), threads: \(mark(libgit2.threads)))",
            "store           \(store.map { "\($0.location) (" + ($0.jobs.map { "\($0) jobs" } ?? "unreachable") + ")" } ?? "-")",
            "workspace root  \(workspaceRoot.path) (exists: \(mark(workspaceRoot.exists)), writable: \(mark(workspaceRoot.writable)))",
            "cache           \(cache.map(HealthOutput.describe) ?? "-")",
            "credentials     GITHUB_TOKEN \(credentials.githubTokenSet ? "set" : "not set")",
            "memory          \(memoryProtected ? "protected (non-dumpable)" : "open to processes of the same user")",
        ]
        lines += problems.map { "problem: \($0)" }
        return lines.joined(separator: "\n")
    }
}
