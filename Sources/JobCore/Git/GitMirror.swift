import CLibGit2
import Foundation

/// The libgit2 steps of the repository cache, each run on a dedicated thread: list a remote's
/// refs, check and update a bare mirror, and make a work tree from the mirror's packs.
enum GitMirror {
    /// Lists the refs of the repository at `url` (no local repository involved) and resolves `ref`.
    static func listRemote(url: String, ref: String?, _ context: GitTransferContext) throws -> GitRemoteRef {
        try withExtendedLifetime(context) {
            let remote = try GitHandle.check(context, "adding the remote") { git_remote_create_detached(&$0, url) }
            defer { git_remote_free(remote) }
            try GitRemoteRef.connect(remote, context)
            defer { git_remote_disconnect(remote) }
            return try GitRemoteRef.resolve(ref, on: remote, context)
        }
    }

    /// What bringing a mirror up to date did.
    struct Update: Sendable {
        /// The commit the work tree gets (the ref's target, peeled), hex.
        var commit: String
        /// The object the mirror's ref points at (a tag object for annotated tags), hex.
        var target: String
        /// Whether objects were fetched.
        var fetched: Bool
        /// The commits the work tree must list as shallow for the requested depth.
        var shallowRoots: [String]
        /// The fetch's transfer figures (zero when nothing was fetched).
        var progress: GitProgress
    }

    /// Brings the bare mirror at `path` (created when absent) up to date for `ref`, so that it
    /// holds the ref's advertised target with `depth` commits of history (0: all), fetching
    /// from `url` only what is missing. The caller holds the mirror's lock.
    static func update(
        mirror path: String, url: String, ref: GitRemoteRef, depth: Int, _ context: GitTransferContext
    ) throws -> Update {
        try withExtendedLifetime(context) {
            let repository = try open(path, create: true, context)
            defer { git_repository_free(repository) }
            let odb = try GitHandle.check(context, "opening the mirror's objects") { git_repository_odb(&$0, repository) }
            defer { git_odb_free(odb) }

            var fetched = false
            var progress = GitProgress()
            var commit = peeledCommit(ref.target, in: repository)
            var walk = commit.map { history(from: $0, depth: depth, odb: odb) }
            if commit == nil || walk?.complete == false {
                let remote = try GitHandle.check(context, "adding the remote") { git_remote_create_anonymous(&$0, repository, url) }
                defer { git_remote_free(remote) }
                var fetchOptions = git_fetch_options()
                git_fetch_options_init(&fetchOptions, UInt32(GIT_FETCH_OPTIONS_VERSION))
                context.install(into: &fetchOptions.callbacks)
                let isShallow = FileManager.default.fileExists(atPath: shallowFile(path))
                fetchOptions.depth = depth > 0 ? Int32(clamping: depth) : (isShallow ? Int32(GIT_FETCH_DEPTH_UNSHALLOW.rawValue) : 0)
                fetchOptions.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
                fetchOptions.follow_redirects = GIT_REMOTE_REDIRECT_NONE
                fetchOptions.update_fetchhead = 0
                let before = readShallow(path)
                context.allowNewCredentialRequest()
                try GitStrings.withArray(["+\(ref.remote):\(ref.remote)"]) { refspecs in
                    try GitHandle.check(context, "fetching \(ref.remote)") { git_remote_fetch(remote, refspecs, &fetchOptions, "mirror") }
                }
                if context.isCancelled { throw GitError(.cancelled, "the mirror update was cancelled") }
                progress = GitProgress(transfer: git_remote_stats(remote)!.pointee)
                fetched = true
                // libgit2 writes only the roots of this fetch; keep every commit whose parents are
                // missing, or the next negotiation would claim history the mirror does not hold.
                try writeShallow(path, roots: (before + readShallow(path)).filter { hasMissingParent($0, odb: odb) })
            }
            // The mirror's ref follows the remote, also when the target was already here (a
            // branch moved back to an older commit).
            var target = git_oid()
            guard git_oid_fromstr(&target, ref.target) == 0 else { throw GitError(.other, "the remote advertised an invalid object id") }
            let reference = try GitHandle.check(context, "updating \(ref.remote)") {
                git_reference_create(&$0, repository, ref.remote, &target, 1, "mirror")
            }
            git_reference_free(reference)
            if fetched {
                commit = peeledCommit(ref.target, in: repository)
                walk = commit.map { history(from: $0, depth: depth, odb: odb) }
            }
            guard let commit, let walk else {
                throw GitError(.notFound, "the mirror lacks \(ref.remote) (\(ref.target)) after fetching it")
            }
            return Update(commit: commit, target: ref.target, fetched: fetched, shallowRoots: walk.roots, progress: progress)
        }
    }

    /// The most packs a mirror keeps: each fetch adds one; beyond this many they are rewritten
    /// as one (see ``consolidate(mirror:)``).
    static let maxPacks = 16

    /// Rewrites every object of the mirror's packs into one pack and removes the others, when
    /// the mirror has more than ``maxPacks``. Work trees made earlier keep their own links to the
    /// old pack files. The caller holds the mirror's lock. Returns whether it rewrote.
    @discardableResult
    static func consolidate(mirror path: String) throws -> Bool {
        let old = try packFiles(mirror: path)
        guard old.count / 2 > maxPacks else { return false }
        let context = GitTransferContext(token: nil, progress: nil)
        let repository = try open(path, create: false, context)
        defer { git_repository_free(repository) }
        let odb = try GitHandle.check(context, "opening the mirror's objects") { git_repository_odb(&$0, repository) }
        defer { git_odb_free(odb) }
        let builder = try GitHandle.check(context, "starting a pack") { git_packbuilder_new(&$0, repository) }
        defer { git_packbuilder_free(builder) }
        git_packbuilder_set_threads(builder, 0)
        try GitHandle.check(context, "listing the mirror's objects") {
            git_odb_foreach(odb, { oid, payload in
                git_packbuilder_insert(OpaquePointer(payload), oid, nil)
            }, UnsafeMutableRawPointer(builder))
        }
        let directory = (path as NSString).appendingPathComponent("objects/pack")
        try GitHandle.check(context, "writing the consolidated pack") { git_packbuilder_write(builder, directory, 0o444, nil, nil) }
        guard let name = git_packbuilder_name(builder).map({ String(cString: $0) }) else {
            throw GitError(.other, "the consolidated pack has no name")
        }
        let kept = "pack-\(name)"
        for file in old where !(file as NSString).lastPathComponent.hasPrefix(kept) {
            // The index goes first (listed first): a pack without its index is ignored.
            unlink(file)
        }
        return true
    }

    /// Checks that the mirror at `path` is whole enough to use: it opens, every ref reads and
    /// names an object that exists, and every pack matches its index (header, size, checksum).
    /// Throws a description of the first fault found.
    static func check(mirror path: String) throws {
        let context = GitTransferContext(token: nil, progress: nil)
        try verifyPacks(in: (path as NSString).appendingPathComponent("objects/pack"))
        let repository = try open(path, create: false, context)
        defer { git_repository_free(repository) }
        let odb = try GitHandle.check(context, "opening the mirror's objects") { git_repository_odb(&$0, repository) }
        defer { git_odb_free(odb) }
        let iterator = try GitHandle.check(context, "listing the mirror's refs") { git_reference_iterator_new(&$0, repository) }
        defer { git_reference_iterator_free(iterator) }
        while true {
            var reference: OpaquePointer?
            let status = git_reference_next(&reference, iterator)
            if status == GIT_ITEROVER.rawValue { break }
            guard status == 0, let reference else { throw context.error(from: status, while: "reading the mirror's refs") }
            defer { git_reference_free(reference) }
            guard let oid = git_reference_target(reference) else { continue }
            guard git_odb_exists(odb, oid) == 1 else {
                throw GitError(.other, "ref \(String(cString: git_reference_name(reference))) names a missing object \(GitHandle.hex(oid))")
            }
        }
    }

    /// The pack files (index first, then pack) of the mirror, in pairs.
    static func packFiles(mirror path: String) throws -> [String] {
        let directory = (path as NSString).appendingPathComponent("objects/pack")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        let indexes = names.filter { $0.hasPrefix("pack-") && $0.hasSuffix(".idx") }.sorted()
        return indexes.flatMap { index -> [String] in
            let base = (directory as NSString).appendingPathComponent(String(index.dropLast(4)))
            return [base + ".idx", base + ".pack"]
        }
    }

    /// Initialises the repository of a new work tree in `directory` (which exists and is empty).
    static func initWorkTree(_ directory: String) throws {
        let context = GitTransferContext(token: nil, progress: nil)
        let repository = try GitHandle.check(context, "initialising \(directory)") { git_repository_init(&$0, directory, 0) }
        git_repository_free(repository)
    }

    /// Makes the work tree's packs of `files` (from ``packFiles(mirror:)``): hard links when the
    /// cache and the work tree share a file system, copies otherwise. A hard link shares the
    /// file, not the directory entry: removing or replacing the mirror's pack later leaves the
    /// work tree's intact.
    static func linkPacks(_ files: [String], into directory: String) throws {
        let packs = (directory as NSString).appendingPathComponent(".git/objects/pack")
        for file in files {
            let destination = (packs as NSString).appendingPathComponent((file as NSString).lastPathComponent)
            if link(file, destination) == 0 { continue }
            let reason = errno
            guard reason == EXDEV || reason == EPERM || reason == EMLINK else {
                throw GitError(.other, "cannot link \(file) into the work tree: \(String(cString: strerror(reason)))")
            }
            do {
                try FileManager.default.copyItem(atPath: file, toPath: destination)
            } catch {
                throw GitError(.other, "cannot copy \(file) into the work tree: \(error.localizedDescription)")
            }
        }
    }

    /// Finishes a work tree whose packs are in place: `origin` is the real remote with the same
    /// refspec a clone sets, the ref is stored under its local name, the shallow roots are
    /// written, and the commit is checked out as a clone checks it out.
    static func finishWorkTree(
        _ directory: String, url: String, ref: GitRemoteRef, update: Update, _ context: GitTransferContext
    ) throws -> CloneResult {
        try withExtendedLifetime(context) {
            try writeShallow((directory as NSString).appendingPathComponent(".git"), roots: update.shallowRoots)
            let repository = try GitHandle.check(context, "opening \(directory)") { git_repository_open(&$0, directory) }
            defer { git_repository_free(repository) }
            let remote = try GitWorkTree.addOrigin(url: url, to: repository, context)
            git_remote_free(remote)
            try GitHandle.check(context, "configuring the fetch refspec") { git_remote_add_fetch(repository, "origin", ref.refspec) }
            var target = git_oid()
            guard git_oid_fromstr(&target, update.target) == 0 else { throw GitError(.other, "invalid object id \(update.target)") }
            let reference = try GitHandle.check(context, "storing \(ref.local)") {
                git_reference_create(&$0, repository, ref.local, &target, 1, "clone from the repository cache")
            }
            git_reference_free(reference)
            let commit = try GitWorkTree.checkout(ref, in: repository, context)
            return CloneResult(
                directory: directory, ref: ref.remote, branch: ref.branch, commit: commit,
                isShallow: git_repository_is_shallow(repository) == 1, progress: update.progress
            )
        }
    }

    // MARK: - Mirror internals

    private static func open(_ path: String, create: Bool, _ context: GitTransferContext) throws -> OpaquePointer {
        var repository: OpaquePointer?
        if git_repository_open_bare(&repository, path) == 0, let repository { return repository }
        guard create, !FileManager.default.fileExists(atPath: path) else {
            throw GitError(.other, "the mirror at \(path) does not open: \(LibGit2Failure.last(status: -1).message)")
        }
        return try GitHandle.check(context, "creating the mirror") { git_repository_init(&$0, path, 1) }
    }

    private static func shallowFile(_ gitDirectory: String) -> String {
        (gitDirectory as NSString).appendingPathComponent("shallow")
    }

    private static func readShallow(_ gitDirectory: String) -> [String] {
        guard let text = try? String(contentsOfFile: shallowFile(gitDirectory), encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).map(String.init)
    }

    /// Writes the shallow file atomically (removes it when there are no roots).
    private static func writeShallow(_ gitDirectory: String, roots: [String]) throws {
        let file = shallowFile(gitDirectory)
        var unique: [String] = []
        for root in roots where !unique.contains(root) { unique.append(root) }
        guard !unique.isEmpty else {
            if unlink(file) != 0, errno != ENOENT { throw GitError(.other, "cannot remove \(file): \(String(cString: strerror(errno)))") }
            return
        }
        do {
            try Data(unique.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw GitError(.other, "cannot write \(file): \(error.localizedDescription)")
        }
    }

    /// The commit `hex` names, peeling annotated tags; `nil` when an object on the way is missing.
    private static func peeledCommit(_ hex: String, in repository: OpaquePointer) -> String? {
        var oid = git_oid()
        guard git_oid_fromstr(&oid, hex) == 0 else { return nil }
        var object: OpaquePointer?
        guard git_object_lookup(&object, repository, &oid, GIT_OBJECT_ANY) == 0, let object else { return nil }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0, let commit else { return nil }
        defer { git_object_free(commit) }
        return GitHandle.hex(git_object_id(commit))
    }

    /// The parents a commit object names (read from the object, not through grafts); `nil` when
    /// the commit is missing.
    private static func parents(of hex: String, odb: OpaquePointer) -> [String]? {
        var oid = git_oid()
        guard git_oid_fromstr(&oid, hex) == 0 else { return nil }
        var object: OpaquePointer?
        guard git_odb_read(&object, odb, &oid) == 0, let object else { return nil }
        defer { git_odb_object_free(object) }
        guard git_odb_object_type(object) == GIT_OBJECT_COMMIT, let data = git_odb_object_data(object) else { return nil }
        let bytes = UnsafeRawBufferPointer(start: data, count: git_odb_object_size(object))
        var result: [String] = []
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.isEmpty { break }  // end of the header
            if line.starts(with: "parent ".utf8) {
                result.append(String(decoding: line.dropFirst(7), as: UTF8.self))
            }
        }
        return result
    }

    private static func exists(_ hex: String, odb: OpaquePointer) -> Bool {
        var oid = git_oid()
        return git_oid_fromstr(&oid, hex) == 0 && git_odb_exists(odb, &oid) == 1
    }

    private static func hasMissingParent(_ hex: String, odb: OpaquePointer) -> Bool {
        guard let parents = parents(of: hex, odb: odb) else { return false }
        return parents.contains { !exists($0, odb: odb) }
    }

    /// Walks `depth` generations from `commit` (0: all). `roots` are the commits a work tree of
    /// that depth lists as shallow; `complete` is false when the mirror lacks part of that history.
    private static func history(from commit: String, depth: Int, odb: OpaquePointer) -> (roots: [String], complete: Bool) {
        var level = [commit]
        var seen: Set<String> = [commit]
        var roots: [String] = []
        var complete = true
        var generation = 1
        while !level.isEmpty {
            var next: [String] = []
            for hex in level {
                // At the requested depth a commit is a root whatever its parents, as Git marks it.
                if depth > 0, generation == depth { roots.append(hex); continue }
                guard let parents = parents(of: hex, odb: odb) else { complete = false; continue }
                if parents.contains(where: { !exists($0, odb: odb) }) {
                    roots.append(hex)
                    complete = false
                    continue
                }
                for parent in parents where seen.insert(parent).inserted { next.append(parent) }
            }
            level = next
            generation += 1
        }
        return (roots, complete)
    }

    /// Checks each pack against its index: the pack exists, starts with `PACK`, and ends with
    /// the checksum its index records. Catches truncated and replaced packs without reading them.
    private static func verifyPacks(in directory: String) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for index in names where index.hasPrefix("pack-") && index.hasSuffix(".idx") {
            let indexPath = (directory as NSString).appendingPathComponent(index)
            let packPath = String(indexPath.dropLast(4)) + ".pack"
            guard let indexTail = readEnd(of: indexPath, count: 40), indexTail.count == 40 else {
                throw GitError(.other, "pack index \(index) is unreadable or truncated")
            }
            guard let head = readStart(of: packPath, count: 12), head.count == 12, head.starts(with: Array("PACK".utf8)),
                  let packTail = readEnd(of: packPath, count: 20)
            else { throw GitError(.other, "pack \((packPath as NSString).lastPathComponent) is missing or truncated") }
            guard packTail == Array(indexTail.prefix(20)) else {
                throw GitError(.other, "pack \((packPath as NSString).lastPathComponent) does not match its index (truncated or replaced)")
            }
        }
    }

    private static func readStart(of path: String, count: Int) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: count)).map { [UInt8]($0 ?? Data()) }
    }

    private static func readEnd(of path: String, count: Int) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), size >= UInt64(count) + 12 else { return nil }
        try? handle.seek(toOffset: size - UInt64(count))
        return (try? handle.read(upToCount: count)).map { [UInt8]($0 ?? Data()) }
    }
}
