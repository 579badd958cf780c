import Foundation
@_spi(JobStoreImplementation) import JobCore
import Testing

/// What enqueueing accepts and refuses: the bounds every store enforces through the lifecycle.
extension JobLifecycleTests {
    struct EnqueueRow: Sendable, CustomTestStringConvertible {
        var name: String
        var job: NewJob
        var refusal: JobStoreError.Code?
        var testDescription: String { name }
    }

    static let enqueueRows: [EnqueueRow] = [
        // Issue 17 item 16: keys, idempotency keys and queue names are bounded.
        EnqueueRow(name: "a 257-byte key", job: NewJob(kind: "k", options: JobOptions(key: String(repeating: "k", count: 257))), refusal: .invalidArgument),
        EnqueueRow(name: "a 256-byte key", job: NewJob(kind: "k", options: JobOptions(key: String(repeating: "é", count: 128))), refusal: nil),
        EnqueueRow(name: "a 258-byte key", job: NewJob(kind: "k", options: JobOptions(key: String(repeating: "é", count: 129))), refusal: .invalidArgument),
        EnqueueRow(name: "a 257-byte queue", job: NewJob(kind: "k", options: JobOptions(queue: String(repeating: "q", count: 257))), refusal: .invalidArgument),
        EnqueueRow(
            name: "a 513-byte idempotency key", job: NewJob(kind: "k", options: JobOptions(idempotencyKey: String(repeating: "i", count: 513))),
            refusal: .invalidArgument
        ),
        EnqueueRow(name: "a due job", job: NewJob(kind: "k"), refusal: nil),
        EnqueueRow(name: "a scheduled job", job: NewJob(kind: "k", options: JobOptions(runAt: later)), refusal: nil),
        EnqueueRow(name: "an empty kind", job: NewJob(kind: ""), refusal: .invalidArgument),
        EnqueueRow(name: "no attempt", job: NewJob(kind: "k", options: JobOptions(maxAttempts: 0)), refusal: .invalidArgument),
        EnqueueRow(name: "no time", job: NewJob(kind: "k", options: JobOptions(timeout: .zero)), refusal: .invalidArgument),
        // Issue 17 item 11: every count and duration is bounded; nothing overflows a store's columns.
        EnqueueRow(name: "too many attempts", job: NewJob(kind: "k", options: JobOptions(maxAttempts: 1001)), refusal: .invalidArgument),
        EnqueueRow(name: "the most attempts", job: NewJob(kind: "k", options: JobOptions(maxAttempts: 1000)), refusal: nil),
        EnqueueRow(name: "too long a timeout", job: NewJob(kind: "k", options: JobOptions(timeout: .seconds(366 * 86_400))), refusal: .invalidArgument),
        EnqueueRow(name: "the longest timeout", job: NewJob(kind: "k", options: JobOptions(timeout: .seconds(365 * 86_400))), refusal: nil),
        EnqueueRow(
            name: "too far a run-at", job: NewJob(kind: "k", options: JobOptions(runAt: now.addingTimeInterval(1e18))), refusal: .invalidArgument
        ),
        EnqueueRow(
            name: "a run-at 11 years away", job: NewJob(kind: "k", options: JobOptions(runAt: now.addingTimeInterval(11 * 365 * 86_400))),
            refusal: .invalidArgument
        ),
    ]

    @Test(arguments: enqueueRows)
    func enqueue(_ row: EnqueueRow) throws {
        let id = JobID.make(at: Self.now)
        guard let code = row.refusal else {
            let change = try JobLifecycle.enqueue(row.job, id: id, now: Self.now)
            let record = change.after
            #expect(change.before == nil && change.run == nil && change.runningDelta == 0)
            #expect(record.state == .queued && record.attempt == 0 && record.epoch == 0 && record.version == 1)
            #expect(record.runAt == (row.job.options.runAt ?? Self.now))
            #expect(!record.cancelRequested && record.cancelReason == nil && record.cancelMode == nil)
            #expect(change.events.map(\.kind) == [.enqueued])
            #expect((change.events[0].message != nil) == (record.runAt > Self.now), "a scheduled job says when")
            return
        }
        #expect { try JobLifecycle.enqueue(row.job, id: id, now: Self.now) } throws: { ($0 as? JobStoreError)?.code == code }
    }
}
