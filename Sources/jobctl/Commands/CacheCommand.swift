import ArgumentParser
import Foundation
import JobCore

struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Inspect and trim the repository cache (--cache DIR or JOBCTL_CACHE).",
        discussion: """
        The cache keeps one bare mirror per remote repository; `run`, `worker` and `clone` with \
        --cache make workspaces from it. Mirrors in use by another process are never removed.

        Example:
          jobctl cache list --cache /var/cache/jobcore
          jobctl cache prune --cache /var/cache/jobcore --cache-max-size 20G
        """,
        subcommands: [List.self, Prune.self, Clear.self]
    )

    static func printEntries(_ entries: [RepositoryCache.Entry], json: Bool, empty: String) throws {
        if json {
            try JSONOutput.print(entries)
            return
        }
        guard !entries.isEmpty else { print(empty); return }
        var table = Table(header: ["REPOSITORY", "SIZE", "LAST USED", "REQUESTS", "IN USE"])
        let formatter = ISO8601DateFormatter()
        for entry in entries {
            let requests = entry.requests.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            table.rows.append([entry.url, formatBytes(entry.sizeBytes), formatter.string(from: entry.lastUsedAt), requests, entry.inUse ? "yes" : "no"])
        }
        print(table.render())
    }

    static func formatBytes(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the mirrors, least recently used first.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var cache: CacheOptions
        @Flag(help: "Print JSON: an array of mirrors.") var json = false

        func run() async throws {
            try await reportingErrors {
                let entries = try await cache.requiredCache(logger: global.makeLogger()).list()
                try CacheCommand.printEntries(entries, json: json, empty: "no mirrors")
            }
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evict least recently used mirrors until the cache fits --cache-max-size; remove leftovers of interrupted fills."
        )
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var cache: CacheOptions
        @Flag(help: "Print the evicted mirrors as JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let evicted = try await cache.requiredCache(logger: global.makeLogger()).prune()
                try CacheCommand.printEntries(evicted, json: json, empty: "nothing evicted")
            }
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove every mirror not in use.")
        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var cache: CacheOptions
        @Flag(help: "Print the removed mirrors as JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let removed = try await cache.requiredCache(logger: global.makeLogger()).clear()
                try CacheCommand.printEntries(removed, json: json, empty: "nothing removed")
            }
        }
    }
}
