public import Foundation
import Logging

/// Listing, eviction and the files of a repository cache: each mirror's record, lock and the
/// trash that removals go through.
extension RepositoryCache {
    // MARK: - Listing and eviction

    /// The mirrors in the cache, least recently used first.
    public func list() async throws -> [Entry] {
        try await DedicatedThread.run(name: "jobcore.cache.list") { try self.entries() }
    }

    /// The cache's figures.
    public func statistics() async throws -> Statistics {
        let entries = try await list()
        var requests: [String: Int] = [:]
        for entry in entries { requests.merge(entry.requests, uniquingKeysWith: +) }
        let total = requests.values.reduce(0, +)
        return Statistics(
            directory: configuration.directory, mirrors: entries.count, sizeBytes: entries.reduce(0) { $0 + $1.sizeBytes },
            maxSizeBytes: configuration.maxSize, requests: requests,
            hitRate: total == 0 ? nil : Double(requests[Outcome.hit.rawValue] ?? 0) / Double(total)
        )
    }

    /// Evicts least recently used mirrors until the cache fits `maxSize` (defaults to the
    /// configured limit; `nil` and no configured limit: evicts nothing), skipping mirrors in use,
    /// and removes what interrupted fills and evictions left behind.
    /// - Returns: the mirrors evicted.
    @discardableResult
    public func prune(maxSize: Int64? = nil) async throws -> [Entry] {
        let limit = maxSize ?? configuration.maxSize
        return try await DedicatedThread.run(name: "jobcore.cache.prune") { try self.evict(toFit: limit, keeping: nil) }
    }

    /// Removes every mirror not in use.
    /// - Returns: the mirrors removed.
    @discardableResult
    public func clear() async throws -> [Entry] {
        try await DedicatedThread.run(name: "jobcore.cache.clear") { try self.evict(toFit: 0, keeping: nil) }
    }

    func entries() throws -> [Entry] {
        guard FileManager.default.fileExists(atPath: mirrors) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: mirrors)
        return names.filter { $0.hasSuffix(".git") }.compactMap { directory -> Entry? in
            let name = String(directory.dropLast(4))
            let record = readRecord(name)
            let inUse: Bool
            if let lock = try? MirrorLock.acquire(path(name, ".lock"), wait: false) {
                lock.release()
                inUse = false
            } else {
                inUse = true
            }
            let created = record?.createdAt ?? Date(timeIntervalSince1970: 0)
            return Entry(
                url: record?.url ?? "", path: path(name, ".git"), sizeBytes: Self.diskUsage(path(name, ".git")),
                createdAt: created, lastUsedAt: record?.lastUsedAt ?? created, requests: record?.requests ?? [:], inUse: inUse
            )
        }.sorted { $0.lastUsedAt < $1.lastUsedAt }
    }

    /// Removes least recently used mirrors (never `keeping`, never one whose lock is held) until
    /// the total is at most `limit`; `nil`: removes only leftovers.
    func evict(toFit limit: Int64?, keeping: String?) throws -> [Entry] {
        if FileManager.default.fileExists(atPath: trash) { try? FileManager.default.removeItem(atPath: trash) }
        // Fills that died half-way: removed when nobody holds their mirror's lock.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: mirrors)) ?? [] where name.hasSuffix(".git.tmp") {
            let base = String(name.dropLast(".git.tmp".count))
            guard let lock = try MirrorLock.acquire(path(base, ".lock"), wait: false) else { continue }
            try? FileManager.default.removeItem(atPath: path(base, ".git.tmp"))
            lock.release()
        }
        guard let limit else { return [] }
        var entries = try entries()
        var total = entries.reduce(0) { $0 + $1.sizeBytes }
        var evicted: [Entry] = []
        while total > limit, !entries.isEmpty {
            let entry = entries.removeFirst()
            let name = ((entry.path as NSString).lastPathComponent as NSString).deletingPathExtension
            guard name != keeping, let lock = try MirrorLock.acquire(path(name, ".lock"), wait: false) else { continue }
            defer { lock.release() }
            try quarantine(path(name, ".git"))
            try? FileManager.default.removeItem(atPath: path(name, ".json"))
            // Removed while held: a task waiting for this lock sees the file change and starts over.
            unlink(path(name, ".lock"))
            total -= entry.sizeBytes
            evicted.append(entry)
            logger.info("mirror evicted", metadata: ["repository": "\(entry.url)", "bytes": "\(entry.sizeBytes)"])
        }
        ComponentMetrics.cacheEvicted(evicted.count)
        return evicted
    }

    // MARK: - Files

    /// A mirror's record: its URL, dates and request counts (`<name>.json`, written under its lock).
    struct Record: Codable {
        var url: String
        var createdAt: Date
        var lastUsedAt: Date
        var requests: [String: Int]
    }

    func recordUse(name: String, url: String, outcome: Outcome) throws {
        let now = clock.now
        var record = readRecord(name) ?? Record(url: url, createdAt: now, lastUsedAt: now, requests: [:])
        if outcome == .fill || outcome == .rebuild { record.createdAt = now }
        record.url = url
        record.lastUsedAt = now
        record.requests[outcome.rawValue, default: 0] += 1
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        do {
            try encoder.encode(record).write(to: URL(fileURLWithPath: path(name, ".json")), options: .atomic)
        } catch {
            throw GitError(.other, "cannot write the cache record of \(url): \(error.localizedDescription)")
        }
    }

    func readRecord(_ name: String) -> Record? {
        guard let data = FileManager.default.contents(atPath: path(name, ".json")) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(Record.self, from: data)
    }

    func path(_ name: String, _ suffix: String) -> String {
        (mirrors as NSString).appendingPathComponent(name + suffix)
    }

    func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw GitError(.invalidInput, "cannot create the cache directory '\(path)': \(error.localizedDescription)")
        }
    }

    /// Moves `directory` out of the way at once (a rename) and then removes it.
    func quarantine(_ directory: String) throws {
        try createDirectory(trash)
        let aside = (trash as NSString).appendingPathComponent(UUID().uuidString.lowercased())
        guard rename(directory, aside) == 0 else {
            throw GitError(.other, "cannot move \(directory) aside: \(String(cString: strerror(errno)))")
        }
        try? FileManager.default.removeItem(atPath: aside)
    }

    func remove(_ directory: String) throws {
        do { try FileManager.default.removeItem(atPath: directory) } catch {
            throw GitError(.other, "cannot remove \(directory): \(error.localizedDescription)")
        }
    }
}
