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

    func run() throws -> CloneResult {
        try withExtendedLifetime(context) {
            let repository = try GitHandle.check(context, "initialising \(directory)") { git_repository_init(&$0, directory, 0) }
            defer { git_repository_free(repository) }

            let remote = try GitWorkTree.addOrigin(url: url, to: repository, context)
            defer { git_remote_free(remote) }

            try GitRemoteRef.connect(remote, context)

            let resolved = try GitRemoteRef.resolve(ref, on: remote, context)
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

            let commit = try GitWorkTree.checkout(resolved, in: repository, context)
            let stats = git_remote_stats(remote)!.pointee
            return CloneResult(
                directory: directory, ref: resolved.remote, branch: resolved.branch, commit: commit,
                isShallow: git_repository_is_shallow(repository) == 1,
                progress: GitProgress(transfer: stats)
            )
        }
    }
}
