public import Logging
import Foundation
import Tracing

/// Clones and pushes Git repositories with libgit2.
///
/// Every libgit2 call runs on a dedicated thread, never on Swift's cooperative pool. Cancelling
/// the calling task aborts the transfer at libgit2's next callback and removes what was written.
///
/// libgit2 asks the program to ignore `SIGPIPE`; a client does not do it behind the program's
/// back: call ``ignoreSIGPIPE()`` once at start-up.
public struct GitClient: Sendable {
    /// Where log lines go; the library adds metadata and never logs a token.
    public var logger: Logger

    /// Creates a client.
    /// - Parameter logger: where log lines go. Defaults to a logger labelled `jobcore.git`.
    public init(logger: Logger = Logger(label: "jobcore.git")) {
        self.logger = logger
        LibGit2.initialize()
    }

    /// Clones `source` into `directory`, fetching only the requested ref.
    /// - Parameters:
    ///   - source: the repository.
    ///   - directory: where the working tree goes; it must not exist, or be empty.
    ///   - options: the ref and depth.
    ///   - credentials: how to authenticate (a token through libgit2's credential callback).
    ///   - progress: called on the transfer thread as objects and bytes arrive.
    /// - Returns: what was checked out.
    /// - Throws: ``GitError``; on any error, including cancellation, nothing is left in `directory`.
    public func clone(
        _ source: RepositorySource,
        into directory: String,
        options: CloneOptions = CloneOptions(),
        credentials: GitCredentials = .none,
        progress: (@Sendable (GitProgress) -> Void)? = nil
    ) async throws -> CloneResult {
        try await JobTracing.traced("git.clone", kind: .client) { span in
            ComponentMetrics.setRepositoryAttributes(span, source)
            if let ref = options.ref { span?.attributes["vcs.ref.head.name"] = ref }
            span?.attributes["jobcore.git.depth"] = options.depth
            let start = ContinuousClock.now
            do {
                let result = try await cloneUntraced(source, into: directory, options: options, credentials: credentials, progress: progress)
                ComponentMetrics.clone(since: start, receivedBytes: result.progress.receivedBytes)
                span?.attributes["jobcore.git.received_bytes"] = result.progress.receivedBytes
                span?.attributes["jobcore.git.received_objects"] = result.progress.receivedObjects
                return result
            } catch {
                ComponentMetrics.clone(since: start, receivedBytes: nil)
                throw error
            }
        }
    }

    private func cloneUntraced(
        _ source: RepositorySource,
        into directory: String,
        options: CloneOptions,
        credentials: GitCredentials,
        progress: (@Sendable (GitProgress) -> Void)?
    ) async throws -> CloneResult {
        guard options.depth >= 0 else { throw GitError(.invalidInput, "invalid depth \(options.depth): use 0 (full history) or more") }
        if let ref = options.ref { try Self.validateRef(ref) }
        if source.isLocal {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source.location, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw GitError(.notFound, "repository '\(source.location)' does not exist")
            }
        }
        let createdDirectory = try Self.prepare(directory)
        var logger = logger
        logger[metadataKey: "repository"] = "\(source.location)"
        logger[metadataKey: "directory"] = "\(directory)"
        let start = ContinuousClock.now
        do {
            let result = try await Self.transfer(into: directory, credentials: credentials, progress: progress, thread: "jobcore.git.clone") { context in
                try GitCloneOperation(
                    url: source.location, directory: directory, ref: options.ref,
                    depth: source.isLocal ? 0 : options.depth, context: context
                ).run()
            }
            logger.debug("cloned", metadata: [
                "ref": "\(result.ref)", "commit": "\(result.commit)", "shallow": "\(result.isShallow)",
                "objects": "\(result.progress.receivedObjects)", "bytes": "\(result.progress.receivedBytes)",
                "duration": "\(ContinuousClock.now - start)",
            ])
            return result
        } catch {
            if createdDirectory { try? FileManager.default.removeItem(atPath: directory) } else { Self.removeContents(of: directory) }
            logger.debug("clone failed", metadata: ["error": "\(error)"])
            throw error
        }
    }

    /// Runs the libgit2 steps `body` that fill `directory` on a dedicated thread, with a token from
    /// `credentials` (a refused one is replaced once, starting again from an empty directory);
    /// cancelling the task aborts the transfer at libgit2's next callback.
    static func transfer<T: Sendable>(
        into directory: String, credentials: GitCredentials, progress: (@Sendable (GitProgress) -> Void)?, thread: String,
        _ body: @escaping @Sendable (GitTransferContext) throws -> T
    ) async throws -> T {
        try await credentials.withToken { token in
            let context = GitTransferContext(token: token, progress: progress)
            do {
                return try await withTaskCancellationHandler {
                    try await DedicatedThread.run(name: thread) { try body(context) }
                } onCancel: {
                    context.cancel()
                }
            } catch {
                removeContents(of: directory)
                throw error
            }
        }
    }

    /// Checks that `ref` is a usable ref name: no option injection, no traversal, valid for Git.
    static func validateRef(_ ref: String) throws {
        let name = ref.hasPrefix("refs/") ? ref : "refs/heads/\(ref)"
        guard !ref.hasPrefix("-"), BranchName.isValidReference(name) else {
            throw GitError(.invalidInput, "invalid ref '\(ref)': not a valid Git branch, tag or ref name")
        }
    }

    /// Makes sure `directory` exists and is empty. Returns whether it was created here.
    static func prepare(_ directory: String) throws -> Bool {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw GitError(.invalidInput, "'\(directory)' exists and is not a directory") }
            guard (try? manager.contentsOfDirectory(atPath: directory))?.isEmpty == true else {
                throw GitError(.invalidInput, "'\(directory)' exists and is not empty")
            }
            return false
        }
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw GitError(.invalidInput, "cannot create '\(directory)': \(error.localizedDescription)")
        }
        return true
    }

    static func removeContents(of directory: String) {
        let manager = FileManager.default
        for entry in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] {
            try? manager.removeItem(atPath: (directory as NSString).appendingPathComponent(entry))
        }
    }
}
