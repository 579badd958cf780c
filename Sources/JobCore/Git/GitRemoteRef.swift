import CLibGit2
import Foundation

/// A ref the remote advertises, resolved from what a caller asked for (a branch, a tag, a full ref
/// or the default branch), with where a clone keeps it.
struct GitRemoteRef: Sendable, Equatable {
    /// The ref on the remote, e.g. refs/heads/main.
    var remote: String
    /// Where it is stored locally, e.g. refs/remotes/origin/main.
    var local: String
    /// The local branch to create, `nil` for a tag.
    var branch: String?
    /// The object the remote advertises for it (hex).
    var target: String

    var refspec: String { "+\(remote):\(local)" }

    /// Connects `remote` for fetching with the context's callbacks (credentials, progress,
    /// cancellation), following no redirects.
    static func connect(_ remote: OpaquePointer, _ context: GitTransferContext) throws {
        var connectOptions = git_remote_connect_options()
        git_remote_connect_options_init(&connectOptions, UInt32(GIT_REMOTE_CONNECT_OPTIONS_VERSION))
        context.install(into: &connectOptions.callbacks)
        connectOptions.follow_redirects = GIT_REMOTE_REDIRECT_NONE
        try GitHandle.check(context, "connecting to the remote") { git_remote_connect_ext(remote, GIT_DIRECTION_FETCH, &connectOptions) }
    }

    /// Lists the refs of a connected remote and resolves `ref` among them (`nil`: the default branch).
    static func resolve(_ ref: String?, on remote: OpaquePointer, _ context: GitTransferContext) throws -> GitRemoteRef {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try GitHandle.check(context, "listing the remote's refs") { git_remote_ls(&heads, &count, remote) }
        var advertised: [(name: String, oid: String, symref: String?)] = []
        for index in 0..<count {
            guard var head = heads?[index]?.pointee else { continue }
            advertised.append((String(cString: head.name), GitHandle.hex(&head.oid), head.symref_target.map { String(cString: $0) }))
        }
        return try resolve(ref, among: advertised)
    }

    static func resolve(_ ref: String?, among advertised: [(name: String, oid: String, symref: String?)]) throws -> GitRemoteRef {
        let targets = Dictionary(advertised.map { ($0.name, $0.oid) }, uniquingKeysWith: { first, _ in first })
        func branch(_ full: String) -> GitRemoteRef {
            let short = String(full.dropFirst("refs/heads/".count))
            return GitRemoteRef(remote: full, local: "refs/remotes/origin/\(short)", branch: short, target: targets[full] ?? "")
        }
        func tag(_ full: String) -> GitRemoteRef { GitRemoteRef(remote: full, local: full, branch: nil, target: targets[full] ?? "") }

        guard let ref else {
            guard let head = advertised.first(where: { $0.name == "HEAD" }) else {
                throw GitError(.notFound, "the remote has no default branch (is the repository empty?)")
            }
            if let target = head.symref, target.hasPrefix("refs/heads/"), targets[target] != nil { return branch(target) }
            // No symref advertised: the branch whose commit HEAD points at, preferring main/master.
            let candidates = advertised.filter { $0.name.hasPrefix("refs/heads/") && $0.oid == head.oid }.map(\.name)
            guard let chosen = ["refs/heads/main", "refs/heads/master"].first(where: candidates.contains) ?? candidates.first else {
                throw GitError(.notFound, "cannot determine the remote's default branch")
            }
            return branch(chosen)
        }
        if ref.hasPrefix("refs/heads/"), targets[ref] != nil { return branch(ref) }
        if ref.hasPrefix("refs/tags/"), targets[ref] != nil { return tag(ref) }
        if targets["refs/heads/\(ref)"] != nil { return branch("refs/heads/\(ref)") }
        if targets["refs/tags/\(ref)"] != nil { return tag("refs/tags/\(ref)") }
        throw GitError(.notFound, "ref '\(ref)' not found on the remote")
    }
}

/// Checking out a fetched ref in a new work tree, shared by clones and workspaces made from a
/// mirror, so that both leave the same repository behind.
enum GitWorkTree {
    /// Adds the remote `origin` at `url` to a new repository, without the default fetch refspec
    /// (the caller adds the one ref it fetches) and without `insteadOf` rewriting.
    static func addOrigin(url: String, to repository: OpaquePointer, _ context: GitTransferContext) throws -> OpaquePointer {
        var createOptions = git_remote_create_options()
        git_remote_create_options_init(&createOptions, UInt32(GIT_REMOTE_CREATE_OPTIONS_VERSION))
        createOptions.repository = repository
        createOptions.flags = GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC.rawValue | GIT_REMOTE_CREATE_SKIP_INSTEADOF.rawValue
        return try "origin".withCString { name in
            createOptions.name = name
            return try GitHandle.check(context, "adding the remote") { git_remote_create_with_opts(&$0, url, &createOptions) }
        }
    }

    /// Checks out `ref` (already stored under its local name): on a local branch tracking the
    /// remote one, or detached for a tag. Returns the commit checked out (hex).
    static func checkout(_ ref: GitRemoteRef, in repository: OpaquePointer, _ context: GitTransferContext) throws -> String {
        let object = try GitHandle.check(context, "reading \(ref.local)") {
            git_revparse_single(&$0, repository, "\(ref.local)^{commit}")
        }
        defer { git_object_free(object) }
        var checkoutOptions = git_checkout_options()
        git_checkout_options_init(&checkoutOptions, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        checkoutOptions.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue
        // Without a .gitattributes file (and with no system or global configuration read), every
        // filter is a no-op: skip the per-file attribute lookups, half of a checkout's time.
        checkoutOptions.disable_filters = try treeHasAttributes(object, context) ? 0 : 1
        if context.progress != nil {
            checkoutOptions.progress_cb = gitCheckoutProgressCallback
            checkoutOptions.progress_payload = Unmanaged.passUnretained(context).toOpaque()
        }
        try GitHandle.check(context, "checking out \(ref.remote)") { git_checkout_tree(repository, object, &checkoutOptions) }
        if let branch = ref.branch {
            let reference = try GitHandle.check(context, "creating branch \(branch)") { git_branch_create(&$0, repository, branch, object, 1) }
            defer { git_reference_free(reference) }
            try GitHandle.check(context, "tracking origin/\(branch)") { git_branch_set_upstream(reference, "origin/\(branch)") }
            try GitHandle.check(context, "setting HEAD") { git_repository_set_head(repository, "refs/heads/\(branch)") }
        } else {
            try GitHandle.check(context, "setting HEAD") { git_repository_set_head_detached(repository, git_object_id(object)) }
        }
        return GitHandle.hex(git_object_id(object))
    }

    /// Whether any directory of the commit's tree has a `.gitattributes` file.
    private static func treeHasAttributes(_ commit: OpaquePointer, _ context: GitTransferContext) throws -> Bool {
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
}
