import ArgumentParser
import Foundation
import JobCore

/// The JOB options of `run` and `enqueue`, and the command after `--`.
struct JobSpecOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Repository: https URL, owner/repo (see --git-base-url) or a local path.", valueName: "source"))
    var repo: String?
    @Option(help: "Branch, tag or ref to start from (default: the remote's default branch).") var ref: String?
    @Option(help: "Commits of history to clone; 0 = full history.") var depth: Int = 1
    @Option(help: ArgumentHelp("Feature branch to create and check out (validated like Git does).", valueName: "name"))
    var branch: String?
    @Option(help: "Concurrency key: jobs with one key run one at a time (per --key-limit).") var key: String?
    @Option(help: "Higher runs first.") var priority: Int = 0
    @Option(help: ArgumentHelp("Time limit of one attempt, e.g. 30s, 5m, 1h30m.", valueName: "duration"))
    var timeout: Duration = .seconds(3600)
    @Option(name: .customLong("max-attempts"), help: "Attempts before the job fails.") var maxAttempts: Int?
    @Option(name: .customLong("idempotency-key"), help: "Enqueueing the same key again returns the existing job.")
    var idempotencyKey: String?
    @Option(name: .customLong("env"), help: ArgumentHelp("Environment variable for the command (repeatable).", valueName: "K=V"))
    var environment: [String] = []
    @Flag(help: "Commit every change and push the branch when the command succeeds.") var push = false
    @Option(name: .customLong("commit-message"), help: "Message of the commit made with --push.") var commitMessage: String?
    @Option(name: .customLong("installation-id"), help: ArgumentHelp("GitHub App installation whose token the job uses.", valueName: "id"))
    var installationID: String?
    @Option(name: .customLong("expose-token"), help: ArgumentHelp("Give the command the access token in this environment variable.", valueName: "name"))
    var exposeToken: String?
    @Option(help: ArgumentHelp("Run no earlier than this long from now, e.g. 10m.", valueName: "duration"))
    var delay: Duration?
    @Option(help: "Queue to put the job in.") var queue: String = JobOptions.defaultQueue
    @Option(name: .customLong("depends-on"), help: ArgumentHelp(
        "A job that must end before this one runs (repeatable); the job waits until then.", valueName: "id"))
    var dependsOn: [JobID] = []
    @Option(name: .customLong("dependency-mode"), help: ArgumentHelp(
        "succeeded: run when every dependency succeeded, else cancel; finished: run when all ended, however.", valueName: "mode"))
    var dependencyMode: DependencyMode = .succeeded
    @Option(name: .customLong("correlation-id"), help: ArgumentHelp("Id carried to every log line of the job (env JOBCTL_CORRELATION_ID; default: a new one).", valueName: "id"))
    var correlationID: String?
    @Option(name: .customLong("checkpoint-every"), help: ArgumentHelp(
        "Save the work in progress this often (and at a release at shutdown): pushed to a WIP branch, resumed by the next attempt. Needs --repo and --branch.",
        valueName: "duration"
    ))
    var checkpointEvery: Duration?
    @Option(name: .customLong("checkpoint-branch"), help: ArgumentHelp("The WIP branch of --checkpoint-every (default jobcore/wip/JOB_ID).", valueName: "name"))
    var checkpointBranch: String?
    @Flag(name: .customLong("keep-checkpoints"), help: "Keep the WIP branch of --checkpoint-every when the job succeeds.")
    var keepCheckpoints = false
    @OptionGroup var repository: RepositoryOptions

    @Argument(parsing: .postTerminator, help: "The command, after --, e.g. jobctl run -- make test.")
    var command: [String]

    /// The job to store. What the job and the store check (``CommandJob/validate()``, attempts,
    /// timeout) is left to them; invalid input creates nothing either way.
    /// - Parameter defaultAttempts: attempts when `--max-attempts` is not given.
    func makeJob(defaultAttempts: Int, now: Date) throws -> (NewJob, CommandJob) {
        var variables: [String: String] = [:]
        for pair in environment {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw CLIError(.invalidInput, "invalid --env '\(pair)': use NAME=VALUE")
            }
            variables[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        let job = CommandJob(
            command: command, repository: try repo.map(repository.source), ref: ref, depth: depth, branch: branch,
            environment: variables, push: push, commitMessage: commitMessage, installationID: installationID,
            tokenEnvironmentVariable: exposeToken,
            correlationID: correlationID ?? ProcessInfo.processInfo.environment["JOBCTL_CORRELATION_ID"] ?? UUID().uuidString.lowercased(),
            checkpoints: checkpointEvery.map { CommandJob.Checkpoints(interval: $0, branch: checkpointBranch, keep: keepCheckpoints) }
        )
        if checkpointEvery == nil, checkpointBranch != nil || keepCheckpoints {
            throw CLIError(.invalidInput, "--checkpoint-branch and --keep-checkpoints go with --checkpoint-every")
        }
        try job.validate()
        guard priority >= -1_000_000, priority <= 1_000_000 else { throw CLIError(.invalidInput, "--priority must be within ±1000000") }
        if let key, key.isEmpty { throw CLIError(.invalidInput, "--key is empty") }
        let runAt = delay.map { now.adding($0) }
        let options = JobOptions(queue: queue, key: key, priority: priority, runAt: runAt, maxAttempts: maxAttempts ?? defaultAttempts,
                                 timeout: timeout, idempotencyKey: idempotencyKey, dependsOn: dependsOn, dependencyMode: dependencyMode)
        return (NewJob(kind: CommandJob.kind.name, payload: try JSONEncoder().encode(job), options: options), job)
    }
}
