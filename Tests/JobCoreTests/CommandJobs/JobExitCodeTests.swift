import Foundation
import JobCore
import Testing

/// The one table from errors to exit codes, and the code of a finished job.
@Suite struct JobExitCodeTests {
    @Test(arguments: [
        (GitError(.authentication, "refused") as any Error, JobExitCode.authenticationRefused),
        (GitError(.invalidInput, "bad ref"), .invalidInput),
        (GitError(.notFound, "no repo"), .unreachable),
        (GitError(.network, "down"), .unreachable),
        (GitError(.timeout, "slow"), .timedOut),
        (GitError(.cancelled, "stop"), .cancelled),
        (GitError(.rejected, "not a fast-forward"), .pushRejected),
        (TokenError(.variableNotSet, "unset"), .invalidInput),
        (TokenError(.jwtRejected, "wrong key"), .authenticationRefused),
        (TokenError(.installationNotFound, "no installation"), .authenticationRefused),
        (TokenError(.server, "500"), .unreachable),
        (JobStoreError(.notFound, "no such job"), .noSuchJob),
        (JobStoreError(.invalidState, "finished"), .notAllowed),
        (JobStoreError(.invalidArgument, "bad limit"), .invalidInput),
        (JobStoreError(.unavailable, "down"), .unreachable),
        (JobStoreError(.corruptRecord, "garbage"), .failure),
        (ProcessSupervisorError(.executableNotFound, "nope: not found in PATH", executable: "nope"), .commandNotFound),
        (ProcessSupervisorError(.invalidCommand, "empty executable", executable: ""), .invalidInput),
        (DurationParser.Error(.invalidSyntax, "invalid duration 'soon'", text: "soon"), .invalidInput),
        (JobQueueError(.timedOut, "too slow", key: "k"), .timedOut),
        (JobQueueError(.full, "2 jobs are waiting", key: "k"), .failure),
        (CommandJobError(.emptyCommand, "no command given"), .invalidInput),
        (JobFailure("exited", exitCode: 7), JobExitCode(rawValue: 7)),
        (JobFailure("no code"), .failure),
        (CancellationError(), .cancelled),
        (CocoaError(.fileNoSuchFile), .failure),
    ])
    func everyErrorHasItsCode(error: any Error, code: JobExitCode) {
        #expect(JobExitCode(error) == code, "\(error)")
    }

    @Test func theContractsNumbers() {
        let codes: [JobExitCode] = [
            .success, .failure, .invalidInput, .noSuchJob, .notAllowed, .unreachable, .authenticationRefused, .timedOut,
            .commandNotFound, .cancelled,
        ]
        #expect(codes.map(\.rawValue) == [0, 1, 2, 3, 4, 69, 77, 124, 127, 130])
    }

    @Test func aCommandJobsOwnFieldsAreNotGitErrors() {
        #expect(throws: CommandJobError(.emptyCommand, "no command given")) { try CommandJob(command: []).validate() }
        #expect(throws: CommandJobError.self) { try CommandJob(command: ["true"], depth: -1).validate() }
        #expect(throws: CommandJobError.self) { try CommandJob(command: ["true"], push: true).validate() }
        #expect(throws: CommandJobError.self) { try CommandJob(command: ["true"], environment: ["JOB_ID": "x"]).validate() }
        #expect(throws: CommandJobError.self) { try CommandJob(command: ["true"], environment: ["1X": "x"]).validate() }
        #expect(throws: GitError.self) { try CommandJob(command: ["true"], branch: "a..b").validate() }
        #expect(CommandJobError(.emptyCommand, "no command given").description == "emptyCommand: no command given")
    }
}
