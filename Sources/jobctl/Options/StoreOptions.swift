import ArgumentParser
import Foundation
import JobCore
import JobCorePostgres
import JobCoreSQLite
import Logging

/// Where jobs are stored, as given by `--store URL` or `JOBCTL_STORE`.
enum StoreLocation: Equatable, Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case memory
    case postgres(url: String)

    /// Parses `sqlite:PATH`, `sqlite://PATH`, `memory:`, `postgres://…` / `postgresql://…`, or a
    /// bare path (SQLite).
    /// - Throws: ``CLIError`` (invalid input) naming what is wrong.
    @Sendable static func parse(_ text: String) throws -> StoreLocation {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw CLIError(.invalidInput, "the store is empty") }
        if trimmed == "memory:" || trimmed == "memory" { return .memory }
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") { return .postgres(url: trimmed) }
        for prefix in ["sqlite://", "sqlite:"] where trimmed.hasPrefix(prefix) {
            let path = String(trimmed.dropFirst(prefix.count))
            guard !path.isEmpty else { throw CLIError(.invalidInput, "store \(text): sqlite: needs a path") }
            return .sqlite(path: expand(path))
        }
        if let colon = trimmed.firstIndex(of: ":"), !trimmed[..<colon].contains("/"), trimmed[..<colon].count > 1 {
            throw CLIError(.invalidInput, "store \(text): unknown scheme '\(trimmed[..<colon])'; use sqlite:PATH, memory: or postgres://…")
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

/// `--store URL`: one of the global options.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Job store: sqlite:PATH, a path, memory: or postgres://… (env JOBCTL_STORE).",
            discussion: "Defaults to $XDG_DATA_HOME/jobctl/jobs.sqlite, else ~/.local/share/jobctl/jobs.sqlite.",
            valueName: "url"
        ),
        transform: StoreLocation.parse
    )
    var store: StoreLocation?

    /// The location from `--store`, else `JOBCTL_STORE`, else the default.
    /// - Throws: ``CLIError`` (invalid input) for an unusable `JOBCTL_STORE`.
    func location() throws -> StoreLocation {
        if let store { return store }
        if let environment = ProcessInfo.processInfo.environment["JOBCTL_STORE"], !environment.isEmpty {
            return try StoreLocation.parse(environment)
        }
        return StoreLocation.defaultLocation()
    }

    /// Opens the store; run it (it is a `Service`) while it is used, after ``connect(_:)``.
    /// - Parameters:
    ///   - listen: whether the store should wake this process for jobs enqueued by others
    ///     (PostgreSQL's `LISTEN`): for workers, not for commands that only read or write records.
    ///   - clock: the clock; `nil` (the default) is the system clock, and for PostgreSQL the
    ///     server's clock.
    /// - Throws: ``CLIError`` for an unusable `JOBCTL_STORE`, ``JobStoreError`` when the store
    ///   cannot be opened (`invalidArgument` for an unusable URL).
    func open(listen: Bool, clock: (any WallClock)? = nil, logger: Logger) throws -> any JobStore {
        let location = try location()
        switch location {
        case .memory:
            return MemoryJobStore(clock: clock ?? SystemClock())
        case .sqlite(let path):
            try Self.prepareDirectory(of: path, isDefault: location == StoreLocation.defaultLocation())
            return try SQLiteJobStore(path: path, clock: clock ?? SystemClock(), logger: logger)
        case .postgres(let url):
            return try PostgresJobStore(url: url, configuration: .init(listen: listen), clock: clock, logger: logger)
        }
    }

    /// Connects to a PostgreSQL store before anything else uses it, so that a refused password,
    /// an unreachable server or a missing database ends the command within the store's connect
    /// timeout (5 s), with the cause: exit 77 for refused credentials, 69 for a server that cannot
    /// be reached (or not with the TLS the URL requires), 2 for a database that does not exist
    /// (the URL is wrong, as a SQLite path in a missing directory is). Other stores need nothing.
    /// - Throws: ``CLIError``; `JobStoreError` when the server answers but fails.
    static func connect(_ store: any JobStore) async throws {
        guard let store = store as? PostgresJobStore else { return }
        do {
            try await store.connect()
        } catch let error as PostgresConnectionError {
            let code: JobExitCode = switch error.code {
            case .authenticationRefused: .authenticationRefused
            case .databaseNotFound: .invalidInput
            default: .unreachable
            }
            throw CLIError(code, "store: \(error.message)")
        }
    }

    /// Creates the default store's directory (and its parents) when missing; any other store's
    /// directory must exist, so that a typo in a path is an error rather than a new, empty store.
    /// - Throws: ``CLIError`` (invalid input) naming the missing directory.
    static func prepareDirectory(of path: String, isDefault: Bool) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CLIError(.invalidInput, "store sqlite:\(path): \(directory.path) is not a directory")
            }
            return
        }
        guard isDefault else {
            throw CLIError(
                .invalidInput,
                "store sqlite:\(path): the directory \(directory.path) does not exist; create it first, or check the path (only the default store's directory is created)"
            )
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
