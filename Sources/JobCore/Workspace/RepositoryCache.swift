import CLibGit2
public import Foundation
public import Logging

/// A cache of bare mirrors, one per remote repository, that makes workspaces without cloning
/// again: a workspace asks the remote for the ref's current tip (one ref listing), fetches into
/// the mirror only what the mirror lacks, and checks the tip out from the mirror's packs, which
/// the workspace shares by hard links (copies when the cache is on another file system).
///
/// - The remote's current tip is what a workspace gets, never an older one the mirror holds.
/// - Many tasks and processes of one host share a mirror: updates take the mirror's lock
///   (`flock`, released by the kernel when a holder dies), a new mirror is filled aside and
///   renamed into place, and a workspace's packs do not depend on the mirror once made.
/// - A corrupt mirror (a truncated or replaced pack, a missing object, a broken ref, an object
///   whose content does not match its id) is moved aside and filled again from the remote, and
///   the workspace is made again. Object ids are verified on every read while a cache is in use
///   (libgit2's strict hash verification), so a mirror changed behind the cache's back cannot
///   give a workspace content other than the remote's.
/// - Mirrors hold no credential: the URL is not even in their configuration, and the token is
///   only in libgit2's credential callback, as for a clone.
/// - With ``Configuration/maxSize``, least recently used mirrors are evicted after each use, never
///   one that another task or process is using.
///
/// Local sources (paths) are cloned directly, without the cache.
public final class RepositoryCache: Sendable {
    /// Where the cache is and how big it may grow.
    public struct Configuration: Sendable, Equatable {
        /// The cache directory (created when absent).
        public var directory: String
        /// The most bytes the mirrors may take; `nil` (the default): no limit.
        public var maxSize: Int64?
        /// Whether libgit2 verifies, on every object read, that its content hashes to its id
        /// (process-wide once any cache turns it on). Defaults to `true`: job commands running as
        /// the worker's user could change the mirrors. Turn it off only when they cannot write the
        /// cache (commands run as another user, as with `--run-as`): it costs about a third of a
        /// warm checkout.
        public var verifiesObjectIDs: Bool

        public init(directory: String, maxSize: Int64? = nil, verifiesObjectIDs: Bool = true) {
            self.directory = directory
            self.maxSize = maxSize
            self.verifiesObjectIDs = verifiesObjectIDs
        }
    }

    /// What a workspace request needed from its mirror.
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// The mirror held the remote's tip: nothing was fetched.
        case hit
        /// The mirror was brought up to date by an incremental fetch.
        case update
        /// There was no mirror: it was filled from the remote.
        case fill
        /// The mirror was corrupt: it was moved aside and filled again.
        case rebuild
    }

    /// One mirror, as ``list()`` reports it.
    public struct Entry: Sendable, Codable, Equatable {
        /// The remote repository (normalised URL, never with credentials).
        public var url: String
        /// The mirror's directory.
        public var path: String
        /// Bytes on disk.
        public var sizeBytes: Int64
        public var createdAt: Date
        public var lastUsedAt: Date
        /// Workspace requests served, by outcome.
        public var requests: [String: Int]
        /// Whether a task or process holds the mirror's lock right now.
        public var inUse: Bool
    }

    /// The whole cache's figures, for `health` and `doctor`.
    public struct Statistics: Sendable, Codable, Equatable {
        public var directory: String
        public var mirrors: Int
        public var sizeBytes: Int64
        public var maxSizeBytes: Int64?
        /// Requests by outcome, summed over the mirrors present.
        public var requests: [String: Int]
        /// Share of requests that fetched nothing (`hit`), `nil` before the first request.
        public var hitRate: Double?
    }

    public let configuration: Configuration
    let clock: any WallClock
    let logger: Logger

    /// Creates a cache over `configuration.directory`. Turns on libgit2's verification of
    /// object ids for this process unless ``Configuration/verifiesObjectIDs`` is false (see the
    /// type's documentation).
    public init(configuration: Configuration, clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "jobcore.cache")) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        if configuration.verifiesObjectIDs { LibGit2.verifyObjectIDs() }
    }

    var mirrors: String { (configuration.directory as NSString).appendingPathComponent("mirrors") }
    var trash: String { (configuration.directory as NSString).appendingPathComponent("trash") }

    // MARK: - Workspaces

    /// Makes a work tree of `source` at `options.ref` in `directory` from the cache, as
    /// ``GitClient/clone(_:into:options:credentials:progress:)`` would clone it: same refs,
    /// same `origin`, shallow to `options.depth`.
    /// - Returns: what was checked out, and what the mirror needed.
    /// - Throws: ``GitError``; on any error, including cancellation, nothing is left in `directory`.
    public func clone(
        _ source: RepositorySource,
        into directory: String,
        options: CloneOptions = CloneOptions(),
        credentials: GitCredentials = .none,
        progress: (@Sendable (GitProgress) -> Void)? = nil
    ) async throws -> (result: CloneResult, outcome: Outcome?) {
        guard !source.isLocal else {
            let result = try await GitClient(logger: logger).clone(source, into: directory, options: options, credentials: credentials, progress: progress)
            return (result, nil)
        }
        guard options.depth >= 0 else { throw GitError(.invalidInput, "invalid depth \(options.depth): use 0 (full history) or more") }
        if let ref = options.ref { try GitClient.validateRef(ref) }
        let createdDirectory = try GitClient.prepare(directory)
        let start = ContinuousClock.now
        do {
            let (result, outcome) = try await GitClient.transfer(
                into: directory, credentials: credentials, progress: progress, thread: "jobcore.cache.clone"
            ) { context in
                try self.makeWorkTree(source.location, into: directory, options: options, context)
            }
            ComponentMetrics.cacheRequest(outcome)
            logger.debug("workspace from the repository cache", metadata: [
                "repository": "\(source.location)", "outcome": "\(outcome.rawValue)", "commit": "\(result.commit)",
                "duration": "\(ContinuousClock.now - start)",
            ])
            if configuration.maxSize != nil {
                let keep = Self.name(for: source.location)
                _ = try? await DedicatedThread.run(name: "jobcore.cache.evict") { try self.evict(toFit: self.configuration.maxSize, keeping: keep) }
            }
            return (result, outcome)
        } catch {
            if createdDirectory { try? FileManager.default.removeItem(atPath: directory) } else { GitClient.removeContents(of: directory) }
            throw error
        }
    }

    /// The blocking steps of ``clone(_:into:options:credentials:progress:)``, on a dedicated thread.
    private func makeWorkTree(_ url: String, into directory: String, options: CloneOptions, _ context: GitTransferContext) throws -> (CloneResult, Outcome) {
        let name = Self.name(for: url)
        let ref = try GitMirror.listRemote(url: url, ref: options.ref, context)
        do {
            return try attempt(url: url, name: name, ref: ref, directory: directory, depth: options.depth, discard: false, context)
        } catch let error as GitError where Self.mayBeCorruption(error) {
            // The mirror may be corrupt in a way only reading it shows (an object whose content
            // does not match its id, a pack damaged in the middle): fill it again, once.
            logger.warning("workspace from the mirror failed; filling the mirror again", metadata: [
                "repository": "\(url)", "error": "\(error)",
            ])
            GitClient.removeContents(of: directory)
            return try attempt(url: url, name: name, ref: ref, directory: directory, depth: options.depth, discard: true, context)
        }
    }

    private static func mayBeCorruption(_ error: GitError) -> Bool {
        ![.authentication, .network, .timeout, .cancelled, .invalidInput].contains(error.code)
    }

    private func attempt(
        url: String, name: String, ref: GitRemoteRef, directory: String, depth: Int, discard: Bool, _ context: GitTransferContext
    ) throws -> (CloneResult, Outcome) {
        try GitMirror.initWorkTree(directory)
        try createDirectory(mirrors)
        let mirror = path(name, ".git"), filling = path(name, ".git.tmp")
        let lock = try MirrorLock.acquire(path(name, ".lock"), cancelled: { context.isCancelled })!
        defer { lock.release() }
        // A fill that died half-way left its directory: nobody else can be using it.
        if FileManager.default.fileExists(atPath: filling) { try remove(filling) }
        var rebuilt = false
        if FileManager.default.fileExists(atPath: mirror) {
            var fault: String?
            if discard {
                fault = "reading it failed"
            } else {
                do { try GitMirror.check(mirror: mirror) } catch { fault = "\(error)" }
            }
            if let fault {
                logger.warning("corrupt mirror moved aside", metadata: ["repository": "\(url)", "mirror": "\(mirror)", "fault": "\(fault)"])
                try quarantine(mirror)
                rebuilt = true
            }
        }
        let fill = !FileManager.default.fileExists(atPath: mirror)
        let update: GitMirror.Update
        do {
            update = try GitMirror.update(mirror: fill ? filling : mirror, url: url, ref: ref, depth: depth, context)
        } catch {
            if fill { try? remove(filling) }
            throw error
        }
        if fill {
            guard rename(filling, mirror) == 0 else {
                throw GitError(.other, "cannot move the new mirror into place: \(String(cString: strerror(errno)))")
            }
        }
        if update.fetched, try GitMirror.consolidate(mirror: mirror) {
            logger.info("mirror packs consolidated", metadata: ["repository": "\(url)"])
        }
        try GitMirror.linkPacks(try GitMirror.packFiles(mirror: mirror), into: directory)
        let outcome: Outcome = rebuilt || (fill && discard) ? .rebuild : fill ? .fill : update.fetched ? .update : .hit
        try recordUse(name: name, url: url, outcome: outcome)
        lock.release()
        return (try GitMirror.finishWorkTree(directory, url: url, ref: ref, update: update, context), outcome)
    }

    /// A mirror's directory name: the repository's name for people, and a hash of the
    /// normalised URL (scheme and host in lower case, no trailing `.git` or `/`).
    static func name(for url: String) -> String {
        var normalised = url
        if var components = URLComponents(string: url) {
            components.scheme = components.scheme?.lowercased()
            components.host = components.host?.lowercased()
            var path = components.path
            while path.hasSuffix("/") { path.removeLast() }
            if path.hasSuffix(".git") { path.removeLast(4) }
            components.path = path
            normalised = components.string ?? url
        }
        var oid = git_oid()
        let bytes = Array(normalised.utf8)
        _ = git_odb_hash(&oid, bytes, bytes.count, GIT_OBJECT_BLOB)
        let readable = (URL(string: normalised)?.lastPathComponent ?? "repository").filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return "\(readable.isEmpty ? "repository" : String(readable.prefix(40)))-\(GitHandle.hex(&oid).prefix(16))"
    }

    /// Bytes a directory tree takes on disk (allocated blocks, symbolic links not followed).
    static func diskUsage(_ directory: String) -> Int64 {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return 0 }
        var total: Int64 = 0
        var info = stat()
        if lstat(directory, &info) == 0 { total += Int64(info.st_blocks) * 512 }
        while let relative = enumerator.nextObject() as? String {
            if lstat((directory as NSString).appendingPathComponent(relative), &info) == 0 { total += Int64(info.st_blocks) * 512 }
        }
        return total
    }
}
