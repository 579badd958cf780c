/// What the bot reacts to and what its jobs do.
public struct BotConfiguration: Sendable {
    /// The label that turns an issue into a job. Defaults to `agent`.
    public var label: String
    /// The command each job runs in the workspace (argv). It gets `ISSUE_NUMBER`, `ISSUE_TITLE`,
    /// `ISSUE_URL` and `REPOSITORY`, besides JobCore's `JOB_*` variables.
    public var command: [String]
    /// Where `owner/repo` lives, for cloning and pushing. Defaults to `https://github.com`.
    public var gitBaseURL: String
    /// The path webhooks are posted to. Defaults to `/webhook`.
    public var path: String
    /// The largest body accepted, in bytes. Defaults to 25 MiB, GitHub's own cap.
    public var maxBodyBytes: Int
    /// Attempts per job. Defaults to 3.
    public var maxAttempts: Int
    /// How long one attempt may run. Defaults to 30 minutes.
    public var timeout: Duration

    /// Creates a configuration; every parameter but the command has the documented default.
    public init(
        command: [String], label: String = "agent", gitBaseURL: String = "https://github.com", path: String = "/webhook",
        maxBodyBytes: Int = 25 << 20, maxAttempts: Int = 3, timeout: Duration = .seconds(1800)
    ) {
        self.command = command
        self.label = label
        self.gitBaseURL = gitBaseURL
        self.path = path
        self.maxBodyBytes = maxBodyBytes
        self.maxAttempts = maxAttempts
        self.timeout = timeout
    }
}
