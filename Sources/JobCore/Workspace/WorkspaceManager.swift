/// Creates, hands out and cleans up ephemeral Git workspaces.
public protocol WorkspaceManager: Sendable {
    /// Creates a workspace: a fresh directory with a clone of the requested ref, on the feature
    /// branch when one is asked for.
    /// - Throws: ``GitError`` (invalid input, authentication, not found, network, timeout,
    ///   cancelled); nothing is left behind.
    func create(_ options: WorkspaceOptions) async throws -> Workspace

    /// Removes workspaces under the root whose owner process is gone and that are older than
    /// `olderThan`. Never follows symbolic links; never touches directories it did not create or
    /// whose owner is alive.
    /// - Returns: the directories removed.
    func sweepStale(olderThan: Duration) async -> [String]
}

extension WorkspaceManager {
    /// Runs `body` in a new workspace and removes the workspace afterwards: on success, on a
    /// thrown error, and when the task is cancelled.
    public func withWorkspace<T: Sendable>(
        _ options: WorkspaceOptions,
        _ body: (Workspace) async throws -> T
    ) async throws -> T {
        let workspace = try await create(options)
        do {
            let result = try await body(workspace)
            await workspace.cleanup()
            return result
        } catch {
            await workspace.cleanup()
            throw error
        }
    }
}
