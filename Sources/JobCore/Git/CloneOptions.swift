/// What to clone.
public struct CloneOptions: Sendable, Hashable {
    /// A branch, a tag, or a full ref (`refs/heads/x`, `refs/tags/v1`). Defaults to `nil`: the
    /// remote's default branch.
    public var ref: String?
    /// How many commits of history to fetch. Defaults to 1; 0 fetches the full history.
    /// Ignored for local sources, which libgit2 cannot clone shallowly.
    public var depth: Int

    public init(ref: String? = nil, depth: Int = 1) {
        self.ref = ref
        self.depth = depth
    }
}

/// What a clone produced.
public struct CloneResult: Sendable, Equatable {
    /// The directory of the new working tree.
    public var directory: String
    /// The remote ref that was fetched, e.g. `refs/heads/main` or `refs/tags/v1.0`.
    public var ref: String
    /// The local branch checked out, or `nil` for a detached HEAD (tags).
    public var branch: String?
    /// The commit checked out (hex).
    public var commit: String
    /// Whether the history is shallow (`.git/shallow` exists).
    public var isShallow: Bool
    /// The transfer's final figures.
    public var progress: GitProgress
}
