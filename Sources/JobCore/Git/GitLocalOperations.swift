import CLibGit2
import Foundation
import Synchronization

/// libgit2 steps on an existing work tree, each run on one dedicated thread: create a branch,
/// commit everything, push a branch.
enum GitLocalOperations {
    /// Creates `branch` at HEAD and makes it the current branch (the tree is unchanged).
    static func createBranch(_ branch: String, in directory: String) throws {
        let context = GitTransferContext(token: nil, progress: nil)
        try withRepository(directory, context) { repository in
            let head = try GitHandle.check(context, "reading HEAD") { git_revparse_single(&$0, repository, "HEAD^{commit}") }
            defer { git_object_free(head) }
            let reference = try GitHandle.check(context, "creating branch \(branch)") { git_branch_create(&$0, repository, branch, head, 0) }
            git_reference_free(reference)
            try GitHandle.check(context, "switching to \(branch)") { git_repository_set_head(repository, "refs/heads/\(branch)") }
        }
    }

    /// Stages every change (new, modified, deleted files) and commits it. The message gets a
    /// final newline when it has none, as `git commit` writes it.
    /// - Returns: the new commit, or `nil` when there was nothing to commit.
    static func commitAll(in directory: String, message: String, identity: GitIdentity) throws -> String? {
        let context = GitTransferContext(token: nil, progress: nil)
        return try withRepository(directory, context) { repository in
            let index = try GitHandle.check(context, "opening the index") { git_repository_index(&$0, repository) }
            defer { git_index_free(index) }
            try GitStrings.withArray(["*"]) { paths in
                try GitHandle.check(context, "staging files") { git_index_add_all(index, paths, 0, nil, nil) }
                try GitHandle.check(context, "staging deletions") { git_index_update_all(index, paths, nil, nil) }
            }
            try GitHandle.check(context, "writing the index") { git_index_write(index) }
            var tree = git_oid()
            try GitHandle.check(context, "writing the tree") { git_index_write_tree(&tree, index) }

            let parent = try GitHandle.check(context, "reading HEAD") { git_revparse_single(&$0, repository, "HEAD^{commit}") }
            defer { git_object_free(parent) }
            let parentTree = try GitHandle.check(context, "reading HEAD's tree") { git_commit_tree(&$0, parent) }
            defer { git_tree_free(parentTree) }
            if git_oid_equal(git_tree_id(parentTree), &tree) == 1 { return nil }
            var commit = try makeCommit(repository, tree: &tree, parent: parent, message: message, identity: identity, updating: "HEAD", context)
            return GitHandle.hex(&commit)
        }
    }

    /// Writes a commit of `tree` on `parent` with `identity` as author and committer, moving
    /// `reference` to it (`nil`: no reference moves). The message gets a final newline when it has
    /// none, as `git commit` writes it.
    private static func makeCommit(
        _ repository: OpaquePointer, tree: inout git_oid, parent: OpaquePointer?, message: String, identity: GitIdentity,
        updating reference: String?, _ context: GitTransferContext
    ) throws -> git_oid {
        let treeObject = try GitHandle.check(context, "reading the new tree") { git_tree_lookup(&$0, repository, &tree) }
        defer { git_tree_free(treeObject) }
        var signature: UnsafeMutablePointer<git_signature>?
        try GitHandle.check(context, "making the signature") { git_signature_now(&signature, identity.name, identity.email) }
        defer { git_signature_free(signature) }
        let message = message.hasSuffix("\n") ? message : message + "\n"
        var commit = git_oid()
        var parents: [OpaquePointer?] = [parent]
        try GitHandle.check(context, "committing") {
            git_commit_create(&commit, repository, reference, signature, signature, nil, message, treeObject, 1, &parents)
        }
        return commit
    }

    /// Commits the work tree's current state — every file, as `git add -A` stages it — on top of
    /// HEAD, without touching the workspace's index, HEAD or branches (the job's command may be
    /// using them): the staging happens in the private index file `indexPath`, and only the
    /// reference `reference` (outside `refs/heads`) is pointed at the commit.
    /// - Returns: the commit and its tree.
    static func snapshot(
        in directory: String, indexPath: String, reference: String, message: String, identity: GitIdentity
    ) throws -> (commit: String, tree: String) {
        let context = GitTransferContext(token: nil, progress: nil)
        return try withRepository(directory, context) { repository in
            let index = try GitHandle.check(context, "opening the checkpoint's index") { git_index_open(&$0, indexPath) }
            defer { git_index_free(index) }
            try GitHandle.check(context, "using the checkpoint's index") { git_repository_set_index(repository, index) }
            let parent = try GitHandle.check(context, "reading HEAD") { git_revparse_single(&$0, repository, "HEAD^{commit}") }
            defer { git_object_free(parent) }
            let parentTree = try GitHandle.check(context, "reading HEAD's tree") { git_commit_tree(&$0, parent) }
            defer { git_tree_free(parentTree) }
            try GitHandle.check(context, "reading HEAD's tree into the checkpoint's index") { git_index_read_tree(index, parentTree) }
            try GitStrings.withArray(["*"]) { paths in
                try GitHandle.check(context, "staging files") { git_index_add_all(index, paths, 0, nil, nil) }
                try GitHandle.check(context, "staging deletions") { git_index_update_all(index, paths, nil, nil) }
            }
            var tree = git_oid()
            try GitHandle.check(context, "writing the tree") { git_index_write_tree(&tree, index) }
            var commit = try makeCommit(repository, tree: &tree, parent: parent, message: message, identity: identity, updating: nil, context)
            let created = try GitHandle.check(context, "pointing \(reference) at the checkpoint") {
                git_reference_create(&$0, repository, reference, &commit, 1, "checkpoint")
            }
            git_reference_free(created)
            return (GitHandle.hex(&commit), GitHandle.hex(&tree))
        }
    }

    /// Pushes `branch` to the same name at `url`, the URL validated when the workspace was
    /// created, with the token through the credential callback.
    ///
    /// The job's command may have rewritten the workspace's `.git`. So the push uses an in-memory
    /// remote made from `url` with `insteadOf`/`pushInsteadOf` rewriting skipped, on a repository
    /// whose configuration is replaced by an empty one (no remote, URL rewrite, proxy, redirect
    /// setting or include of the workspace applies), with no proxy and no redirects.
    static func push(branch: String, to url: String, in directory: String, context: GitTransferContext) throws {
        try push(["refs/heads/\(branch):refs/heads/\(branch)"], describing: "pushing \(branch)", to: url, in: directory, context: context)
    }

    /// Pushes `refspecs` (a leading `+` forces one, an empty source deletes the remote ref) to
    /// `url` as ``push(branch:to:in:context:)`` does.
    static func push(_ refspecs: [String], describing what: String, to url: String, in directory: String, context: GitTransferContext) throws {
        try withRepository(directory, context) { repository in
            var createOptions = git_remote_create_options()
            git_remote_create_options_init(&createOptions, UInt32(GIT_REMOTE_CREATE_OPTIONS_VERSION))
            createOptions.repository = repository
            createOptions.name = nil  // in memory: nothing read from or written to the configuration
            createOptions.flags = GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC.rawValue | GIT_REMOTE_CREATE_SKIP_INSTEADOF.rawValue
            let remote = try GitHandle.check(context, "preparing the remote") { git_remote_create_with_opts(&$0, url, &createOptions) }
            defer { git_remote_free(remote) }
            var options = git_push_options()
            git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
            context.install(into: &options.callbacks)
            options.follow_redirects = GIT_REMOTE_REDIRECT_NONE
            options.proxy_opts.type = GIT_PROXY_NONE
            do {
                try GitStrings.withArray(refspecs) { refspecs in
                    try GitHandle.check(context, what) { git_remote_push(remote, refspecs, &options) }
                }
            } catch let error as GitError where error.code == .rejected {
                throw Self.rejection(context, fallback: error.message)
            }
            if !context.rejections.withLock({ $0 }).isEmpty {
                throw Self.rejection(context, fallback: nil)
            }
        }
    }

    /// A refused push, with the refs' reasons and what the remote said (`remote: …`): where a
    /// hook, a protected branch or a ruleset explains itself.
    private static func rejection(_ context: GitTransferContext, fallback: String?) -> GitError {
        let rejected = context.rejections.withLock { $0 }
        var message = "the remote rejected the push"
        if !rejected.isEmpty { message += ": " + rejected.joined(separator: "; ") }
        else if let fallback { message += ": " + fallback }
        let remote = context.remoteText
        if !remote.isEmpty { message += "\nremote: " + remote.replacingOccurrences(of: "\n", with: "\nremote: ") }
        return GitError(.rejected, message)
    }

    /// Opens the repository of the work tree `directory`, refusing a `.git` the job replaced:
    /// it must be a real directory (not a link, not a `gitdir:` file), owned by this user, with
    /// no `commondir` pointing at another repository. No parent directory is searched and no
    /// `GIT_DIR`-style variable is read; the repository's configuration is replaced by an empty
    /// one and its work tree is `directory`, whatever `core.worktree` says.
    private static func withRepository<T>(_ directory: String, _ context: GitTransferContext, _ body: (OpaquePointer) throws -> T) throws -> T {
        try withExtendedLifetime(context) {
            try checkGitDirectory(of: directory)
            let flags = GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
            let repository = try GitHandle.check(context, "opening \(directory)") { git_repository_open_ext(&$0, directory, flags, nil) }
            defer { git_repository_free(repository) }
            // Nothing the job may have written into the configuration applies: not a
            // `core.worktree` pointing at files outside the workspace (which a commit would then
            // stage and a push carry away), not a remote, rewrite, proxy or include.
            var empty: OpaquePointer?
            try GitHandle.check(context, "isolating the repository from the workspace's configuration") { git_config_new(&empty) }
            defer { git_config_free(empty) }
            try GitHandle.check(context, "isolating the repository from the workspace's configuration") { git_repository_set_config(repository, empty) }
            try GitHandle.check(context, "using the workspace as the work tree") { git_repository_set_workdir(repository, directory, 0) }
            return try body(repository)
        }
    }

    static func checkGitDirectory(of directory: String) throws {
        let gitDirectory = (directory as NSString).appendingPathComponent(".git")
        var info = stat()
        guard lstat(gitDirectory, &info) == 0 else {
            throw GitError(.invalidInput, "the workspace has no repository: \(gitDirectory) is missing")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw GitError(.invalidInput, "refusing the workspace's repository: \(gitDirectory) was replaced (it is not a directory but a link or a file)")
        }
        guard info.st_uid == geteuid() else {
            throw GitError(.invalidInput, "refusing the workspace's repository: \(gitDirectory) is not owned by this user")
        }
        var common = stat()
        if lstat((gitDirectory as NSString).appendingPathComponent("commondir"), &common) == 0 {
            throw GitError(.invalidInput, "refusing the workspace's repository: \(gitDirectory) points at another repository (commondir)")
        }
    }
}
