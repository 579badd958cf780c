import ArgumentParser
import Foundation
import JobCore
import JobCorePostgres
import JobCoreSQLite
import Logging

/// Where jobs are stored, as given by `--store URL` or `JOBCTL_STORE`.
enum StoreLocation: Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case memory
    case postgres(url: String)

    /// Parses `sqlite:PATH`, `sqlite://PATH`, `memory:`, `postgres://…` / `postgresql://…`, or a
    /// bare path (SQLite).
    static func parse(_ text: String) throws -> StoreLocation {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ValidationError("--store is empty") }
        if trimmed == "memory:" || trimmed == "memory" { return .memory }
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") { return .postgres(url: trimmed) }
        for prefix in ["sqlite://", "sqlite:"] where trimmed.hasPrefix(prefix) {
            let path = String(trimmed.dropFirst(prefix.count))
            guard !path.isEmpty else { throw ValidationError("--store \(text): sqlite: needs a path") }
            return .sqlite(path: expand(path))
        }
        if let colon = trimmed.firstIndex(of: ":"), !trimmed[..<colon].contains("/"), trimmed[..<colon].count > 1 {
            throw ValidationError("--store \(text): unknown scheme '\(trimmed[..<colon])'; use sqlite:PATH, memory: or postgres://…")
        }
        return .sqlite(path: expand(trimmed))
    }

    /// `$XDG_DATA_HOME/jobctl/jobs.sqlite`, else `~/.local/share/jobctl/jobs.sqlite`.
    static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> StoreLocation {
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
            return .sqlite(path: data + "/jobctl/jobs.sqlite")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return .sqlite(path: home + "/.local/share/jobctl/jobs.sqlite")
    }

    private static func expand(_ path: String) -> String {
        (path as NSString).expandingTildeInPath
    }

    var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .memory: "memory:"
        case .postgres(let url): "postgres://\(url.split(separator: "@").last.map(String.init) ?? "")"
        }
    }
}

/// `--store URL`: shared by every subcommand.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Job store: sqlite:PATH, a path, memory: or postgres://… (env JOBCTL_STORE).",
        discussion: "Defaults to $XDG_DATA_HOME/jobctl/jobs.sqlite, else ~/.local/share/jobctl/jobs.sqlite.",
        valueName: "url"
    ))
    var store: String?

    /// The location from `--store`, else `JOBCTL_STORE`, else the default.
    func location() throws -> StoreLocation {
        if let store { return try StoreLocation.parse(store) }
        if let environment = ProcessInfo.processInfo.environment["JOBCTL_STORE"], !environment.isEmpty {
            return try StoreLocation.parse(environment)
        }
        return StoreLocation.defaultLocation()
    }

    /// Opens the store.
    /// - Throws: `ValidationError` for a store URL that cannot be used, ``JobStoreError`` when the
    ///   store cannot be opened.
    func open(clock: any WallClock = SystemClock(), logger: Logger) throws -> any JobStore {
        switch try location() {
        case .memory:
            return MemoryJobStore(clock: clock)
        case .sqlite(let path):
            return try SQLiteJobStore(path: path, clock: clock, logger: logger)
        case .postgres(let url):
            return try Self.openPostgres(url: url, clock: clock, logger: logger)
        }
    }

    /// A PostgreSQL store whose client, `LISTEN` connection and retention run in the background
    /// for the rest of the process (a command is short-lived, and a worker runs until the process
    /// ends), so every subcommand can use it like any other store.
    private static func openPostgres(url: String, clock: any WallClock, logger: Logger) throws -> any JobStore {
        let store: PostgresJobStore
        do {
            store = try PostgresJobStore(url: url, clock: clock, logger: logger)
        } catch let error as JobStoreError where error.code == .invalidArgument {
            throw ValidationError("--store: \(error.message)")
        }
        // The one task jobctl leaves running: it ends with the process.
        Task { try? await store.run() }
        return store
    }
}
