import ArgumentParser
import Foundation
import JobCore
import Logging

/// The repository cache (`--cache DIR`, `--cache-max-size SIZE`) of `run`, `worker`, `clone`,
/// `cache`, `doctor` and `health`.
struct CacheOptions: ParsableArguments {
    @Option(
        name: .customLong("cache"),
        help: ArgumentHelp("Repository cache: workspaces come warm from mirrors kept here (env JOBCTL_CACHE; default: none).", valueName: "dir")
    )
    var directory: String?

    @Option(
        name: .customLong("cache-max-size"),
        help: ArgumentHelp("Most disk the cache's mirrors may use, e.g. 500M or 20G; least recently used mirrors are evicted (env JOBCTL_CACHE_MAX_SIZE; default: no limit).", valueName: "size")
    )
    var maxSize: String?

    /// The cache directory: the option, else `JOBCTL_CACHE`; `nil` when neither is set.
    var resolvedDirectory: String? {
        let value = directory ?? ProcessInfo.processInfo.environment["JOBCTL_CACHE"]
        return value?.isEmpty == false ? value : nil
    }

    func validate() throws {
        if directory?.isEmpty == true { throw ValidationError("--cache must name a directory") }
        _ = try resolvedMaxSize()
    }

    /// The size limit in bytes: the option, else `JOBCTL_CACHE_MAX_SIZE`.
    func resolvedMaxSize() throws -> Int64? {
        guard let text = maxSize ?? ProcessInfo.processInfo.environment["JOBCTL_CACHE_MAX_SIZE"], !text.isEmpty else { return nil }
        guard let bytes = Self.parseSize(text) else {
            throw ValidationError("invalid cache size '\(text)': use a number of bytes with an optional K, M, G or T suffix (powers of 1024), e.g. 500M")
        }
        return bytes
    }

    /// `123`, `500K`, `500M`, `20G`, `1T` (also `MiB`-style suffixes), in bytes.
    static func parseSize(_ text: String) -> Int64? {
        var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count { digits.removeLast(suffix.count); break }
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var multiplier: Int64 = 1
        if let last = digits.last, let unit = units[last] {
            multiplier = unit
            digits.removeLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int64(digits), value >= 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }

    /// The cache, or `nil` when none is configured. `verifyObjectIDs` false when job commands
    /// cannot write the cache (`--run-as`).
    /// - Throws: ``CLIError`` (invalid input) when the directory cannot be used.
    func cache(logger: Logger, verifyObjectIDs: Bool = true) throws -> RepositoryCache? {
        guard let given = resolvedDirectory else { return nil }
        let path = URL(fileURLWithPath: given).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CLIError(.invalidInput, "the cache \(path) is not a directory") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw CLIError(.invalidInput, "cannot create the cache directory \(path): \(error.localizedDescription)")
            }
        }
        let maxSize: Int64?
        do { maxSize = try resolvedMaxSize() } catch { throw CLIError(.invalidInput, "\(error)") }
        return RepositoryCache(configuration: .init(directory: path, maxSize: maxSize, verifiesObjectIDs: verifyObjectIDs), logger: logger)
    }

    /// The cache, required (`jobctl cache …`).
    func requiredCache(logger: Logger) throws -> RepositoryCache {
        guard let cache = try cache(logger: logger) else {
            throw CLIError(.invalidInput, "no cache directory: give --cache DIR or set JOBCTL_CACHE")
        }
        return cache
    }
}
