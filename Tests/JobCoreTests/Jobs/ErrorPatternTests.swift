import Foundation
import JobCore
import Testing

/// Every public error has the same shape: an opaque code, a message, `"code: message"` as its
/// description, and value semantics.
@Suite struct ErrorPatternTests {
    @Test func descriptionsAreCodeColonMessage() {
        let id = JobID.make(at: Date(timeIntervalSince1970: 0))
        let errors: [(any Error & CustomStringConvertible, String)] = [
            (JobStoreError(.invalidState, "a finished job cannot be cancelled", jobID: id, state: .succeeded),
             "invalidState: a finished job cannot be cancelled"),
            (GitError(.notFound, "fetching failed: unexpected http status code: 404", httpStatus: 404),
             "notFound: fetching failed: unexpected http status code: 404"),
            (TokenError(.server, "GitHub answered 502", httpStatus: 502), "server: GitHub answered 502"),
            (JobQueueError(.full, "2 jobs are waiting, the capacity", key: "k"), "full: 2 jobs are waiting, the capacity"),
            (ProcessSupervisorError(.executableNotFound, "nope: not found in PATH", executable: "nope"),
             "executableNotFound: nope: not found in PATH"),
            (JobFailure(.permanent, "bad input", exitCode: 2), "permanent: bad input"),
            (JobFailure("flaky"), "retryable: flaky"),
        ]
        for (error, description) in errors {
            #expect(error.description == description)
        }
    }

    @Test func contextStaysOnTheValueAndInTheDebugDescription() {
        let id = JobID.make(at: Date(timeIntervalSince1970: 0))
        let error = JobStoreError(.invalidState, "a finished job cannot be cancelled", jobID: id, state: .succeeded)
        #expect(error.jobID == id && error.state == .succeeded)
        #expect(String(reflecting: error).contains("jobID: \(id)"))
        #expect(error == JobStoreError(.invalidState, "a finished job cannot be cancelled", jobID: id, state: .succeeded))
        let queue = JobQueueError(.timedOut, "too slow", key: "tenant-7", idempotencyKey: "once")
        #expect(String(reflecting: queue) == "JobQueueError(code: timedOut, message: too slow, key: tenant-7, idempotencyKey: once)")
    }

    @Test func jobFailureCodesSayWhetherToRetry() {
        #expect(JobFailure("flaky").code == .retryable && JobFailure("flaky").retryable)
        #expect(JobFailure("bad", retryable: false).code == .permanent)
        #expect(JobFailure.permanent("bad", exitCode: 3) == JobFailure(.permanent, "bad", exitCode: 3))
    }
}
