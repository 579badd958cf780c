import CLibGit2
import Foundation

/// The libgit2 steps of a clone, run on one dedicated thread: init, list the remote's refs,
/// resolve the requested one, fetch only it (with a depth), check it out.
struct GitCloneOperation: Sendable {
    let url: String
    let directory: String
    let ref: String?
    let depth: Int
    let context: GitTransferContext

    private struct ResolvedRef {
        /// The ref on the remote, e.g. refs/heads/main.
        var remote: String
        /// Where it is stored locally, e.g. refs/remotes/origin/main.
        var local: String
        /// The local branch to create, `nil` for a tag.
        var branch: String?
        var refspec: String { "+\(remote):\(local)" }
    }

    func run() throws -> CloneResult {
        try withExtendedLifetime(context) {
            let repository = try GitHandle.check(context, "initialising \(directory)") { git_repository_init(&$0, directory, 0) }
            defer { git_repository_free(repository) }

            var createOptions = git_remote_create_options()
            git_remote_create_options_init(&createOptions, UInt32(GIT_REMOTE_CREATE_OPTIONS_VERSION))
            createOptions.repository = repository
            createOptions.flags = GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC.rawValue | GIT_REMOTE_CREATE_SKIP_INSTEADOF.rawValue
            let remote = try "origin".withCString { name in
                createOptions.name = name
                return try GitHandle.check(context, "adding the remote") { git_remote_create_with_opts(&$0, url, &createOptions) }
            }
            defer { git_remote_free(remote) }

            var connectOptions = git_remote_connect_options()
            git_remote_connect_options_init(&connectOptions, UInt32(GIT_REMOTE_CONNECT_OPTIONS_VERSION))
            context.install(into: &connectOptions.callbacks)
            connectOptions.follow_redirects = GIT_REMOTE_REDIRECT_NONE
            try GitHandle.check(context, "connecting to the remote") { git_remote_connect_ext(remote, GIT_DIRECTION_FETCH, &connectOptions) }

            let resolved = try resolve(remote)
            try GitHandle.check(context, "configuring the fetch refspec") { git_remote_add_fetch(repository, "origin", resolved.refspec) }

            var fetchOptions = git_fetch_options()
            git_fetch_options_init(&fetchOptions, UInt32(GIT_FETCH_OPTIONS_VERSION))
            context.install(into: &fetchOptions.callbacks)
            fetchOptions.depth = Int32(clamping: depth)
            fetchOptions.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
            fetchOptions.follow_redirects = GIT_REMOTE_REDIRECT_NONE
            fetchOptions.update_fetchhead = 0
            try GitStrings.withArray([resolved.refspec]) { refspecs in
                try GitHandle.check(context, "fetching \(resolved.remote)") { git_remote_fetch(remote, refspecs, &fetchOptions, "clone") }
            }
            git_remote_disconnect(remote)
            if context.isCancelled { throw GitError(.cancelled, "clone was cancelled") }

            let commit = try checkout(resolved, in: repository)
            let stats = git_remote_stats(remote)!.pointee
            return CloneResult(
                directory: directory, ref: resolved.remote, branch: resolved.branch, commit: commit,
                isShallow: git_repository_is_shallow(repository) == 1,
                progress: GitProgress(transfer: stats)
            )
        }
    }

    /// Finds the requested ref among those the remote advertises.
    private func resolve(_ remote: OpaquePointer) throws -> ResolvedRef {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try GitHandle.check(context, "listing the remote's refs") { git_remote_ls(&heads, &count, remote) }
        var advertised: [(name: String, oid: git_oid, symref: String?)] = []
        for index in 0..<count {
            guard let head = heads?[index]?.pointee else { continue }
            advertised.append((String(cString: head.name), head.oid, head.symref_target.map { String(cString: $0) }))
        }
        let names = Set(advertised.map(\.name))
        func branch(_ full: String) -> ResolvedRef {
            let short = String(full.dropFirst("refs/heads/".count))
            return ResolvedRef(remote: full, local: "refs/remotes/origin/\(short)", branch: short)
        }
        func tag(_ full: String) -> ResolvedRef { ResolvedRef(remote: full, local: full, branch: nil) }

        guard let ref else {
            guard let head = advertised.first(where: { $0.name == "HEAD" }) else {
                throw GitError(.notFound, "the remote has no default branch (is the repository empty?)")
            }
            if let target = head.symref, target.hasPrefix("refs/heads/"), names.contains(target) { return branch(target) }
            // No symref advertised: the branch whose commit HEAD points at, preferring main/master.
            var oid = head.oid
            let candidates = advertised.filter { entry in
                var other = entry.oid
                return entry.name.hasPrefix("refs/heads/") && git_oid_equal(&other, &oid) == 1
            }.map(\.name)
            guard let chosen = ["refs/heads/main", "refs/heads/master"].first(where: candidates.contains) ?? candidates.first else {
                throw GitError(.notFound, "cannot determine the remote's default branch")
            }
            return branch(chosen)
        }
        if ref.hasPrefix("refs/heads/"), names.contains(ref) { return branch(ref) }
        if ref.hasPrefix("refs/tags/"), names.contains(ref) { return tag(ref) }
        if names.contains("refs/heads/\(ref)") { return branch("refs/heads/\(ref)") }
        if names.contains("refs/tags/\(ref)") { return tag("refs/tags/\(ref)") }
        throw GitError(.notFound, "ref '\(ref)' not found on the remote")
    }

    /// Whether any directory of the commit's tree has a `.gitattributes` file.
    private func treeHasAttributes(_ commit: OpaquePointer) throws -> Bool {
        let tree = try GitHandle.check(context, "reading the tree") { git_commit_tree(&$0, commit) }
        defer { git_tree_free(tree) }
        var found = false
        _ = git_tree_walk(tree, GIT_TREEWALK_PRE, { _, entry, payload in
            guard let entry, let name = git_tree_entry_name(entry), strcmp(name, ".gitattributes") == 0 else { return 0 }
            payload!.assumingMemoryBound(to: Bool.self).pointee = true
            return 1  // stop the walk
        }, &found)
        return found
    }

    /// Checks out the fetched commit: on a local branch tracking the remote one, or detached for a tag.
    private func checkout(_ resolved: ResolvedRef, in repository: OpaquePointer) throws -> String {
        let object = try GitHandle.check(context, "reading \(resolved.local)") {
            git_revparse_single(&$0, repository, "\(resolved.local)^{commit}")
        }
        defer { git_object_free(object) }
        var checkoutOptions = git_checkout_options()
        git_checkout_options_init(&checkoutOptions, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        checkoutOptions.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue
        // Without a .gitattributes file (and with no system or global configuration read), every
        // filter is a no-op: skip the per-file attribute lookups, half of a checkout's time.
        checkoutOptions.disable_filters = try treeHasAttributes(object) ? 0 : 1
        if context.progress != nil {
            checkoutOptions.progress_cb = gitCheckoutProgressCallback
            checkoutOptions.progress_payload = Unmanaged.passUnretained(context).toOpaque()
        }
        try GitHandle.check(context, "checking out \(resolved.remote)") { git_checkout_tree(repository, object, &checkoutOptions) }
        if let branch = resolved.branch {
            let reference = try GitHandle.check(context, "creating branch \(branch)") { git_branch_create(&$0, repository, branch, object, 1) }
            defer { git_reference_free(reference) }
            try GitHandle.check(context, "tracking origin/\(branch)") { git_branch_set_upstream(reference, "origin/\(branch)") }
            try GitHandle.check(context, "setting HEAD") { git_repository_set_head(repository, "refs/heads/\(branch)") }
        } else {
            try GitHandle.check(context, "setting HEAD") { git_repository_set_head_detached(repository, git_object_id(object)) }
        }
        return GitHandle.hex(git_object_id(object))
    }
}
