@testable import JobCore
import Testing

/// The state machine of the in-process queue on its own, table-driven: each row is a queue
/// configuration and a script of steps, each with the answers and effects the state machine
/// must give (what the queue then does outside its lock), and the statistics at the end.
@Suite struct QueueStateTests {
    enum Returns: Sendable { case int, string }

    enum Step: Sendable, CustomStringConvertible {
        /// A caller enqueues job `name`.
        case submit(String, key: String = "k", priority: Int = 0, idempotencyKey: String? = nil, returns: Returns = .int, callerCancelled: Bool = false)
        /// The operation of running job `name` returned.
        case finish(String)
        /// The caller of job `name` was cancelled.
        case cancel(String)
        /// The timeout of running job `name` expired.
        case timeOut(String)
        /// The wait for room of job `name` expired.
        case expireAdmission(String)
        /// Shutdown began (graceful), or the grace period ended (`cancelRunning`).
        case shutDown(cancelRunning: Bool)

        var description: String {
            switch self {
            case .submit(let name, let key, let priority, let idempotencyKey, _, let cancelled):
                "submit \(name) (key \(key), priority \(priority)\(idempotencyKey.map { ", idempotency \($0)" } ?? "")\(cancelled ? ", cancelled" : ""))"
            case .finish(let name): "finish \(name)"
            case .cancel(let name): "cancel \(name)"
            case .timeOut(let name): "time out \(name)"
            case .expireAdmission(let name): "expire the wait of \(name)"
            case .shutDown(let cancelRunning): cancelRunning ? "end the grace period" : "shut down"
            }
        }
    }

    /// An answer to a submission, or an effect to perform outside the lock.
    enum Action: Hashable, Sendable {
        case started(String), queued(String), waitingForRoom(String), following(String), remembered(String), cancelled(String)
        case rejected(String, JobQueueError.Code)
        /// The finishing runner runs this job next.
        case next(String)
        /// The job starts on a new runner.
        case start(String)
        /// The job's callers get an error (a queue error's code, or `nil` for cancellation), counted as given.
        case fail(String, JobQueueError.Code?, counted: String)
        /// The job's own caller leaves it with a cancellation error; it runs on for others.
        case detach(String)
        /// A task to cancel: `runner <job>` (the runner that started with that job) or `timer <job>`.
        case cancelTask(String)
        /// Jobs accepted after waiting for room.
        case admitted(Int)
        /// The queue has stopped.
        case stopped
    }

    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var configuration: InProcessJobQueue.Configuration
        var script: [(Step, [Action])]
        var end: InProcessJobQueue.Statistics
        var testDescription: String { name }
    }

    static func configuration(
        global: Int = 64, capacity: Int = 10_000, waitForRoom: Duration? = nil
    ) -> InProcessJobQueue.Configuration {
        var configuration = InProcessJobQueue.Configuration()
        configuration.globalLimit = global
        configuration.capacity = capacity
        if let waitForRoom { configuration.overflowPolicy = .wait(upTo: waitForRoom) }
        return configuration
    }

    static func end(
        waiting: Int = 0, running: Int = 0, waitingForRoom: Int = 0, keys: Int = 0, remembered: Int = 0,
        callers: Int = 0, accepting: Bool = true
    ) -> InProcessJobQueue.Statistics {
        InProcessJobQueue.Statistics(
            waiting: waiting, running: running, waitingForRoom: waitingForRoom, trackedKeys: keys,
            rememberedResults: remembered, callers: callers, isAccepting: accepting)
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "a job starts at once below both limits", configuration: configuration(), script: [
            (.submit("a"), [.started("a")]),
        ], end: end(running: 1, keys: 1, callers: 1)),
        Scenario(name: "a key runs one job at a time, in order", configuration: configuration(), script: [
            (.submit("a"), [.started("a")]),
            (.submit("b"), [.queued("b")]),
            (.finish("a"), [.next("b")]),
            (.finish("b"), []),
        ], end: end()),
        Scenario(name: "the global limit holds other keys back", configuration: configuration(global: 1), script: [
            (.submit("a", key: "k1"), [.started("a")]),
            (.submit("b", key: "k2"), [.queued("b")]),
            (.finish("a"), [.next("b")]),
        ], end: end(running: 1, keys: 1, callers: 1)),
        Scenario(name: "keys take turns, one job per turn", configuration: configuration(global: 1), script: [
            (.submit("a1", key: "A"), [.started("a1")]),
            (.submit("a2", key: "A"), [.queued("a2")]),
            (.submit("a3", key: "A"), [.queued("a3")]),
            (.submit("b1", key: "B"), [.queued("b1")]),
            (.finish("a1"), [.next("b1")]),
            (.finish("b1"), [.next("a2")]),
            (.finish("a2"), [.next("a3")]),
        ], end: end(running: 1, keys: 1, callers: 1)),
        Scenario(name: "a higher priority goes first within a key", configuration: configuration(), script: [
            (.submit("a"), [.started("a")]),
            (.submit("b", priority: 0), [.queued("b")]),
            (.submit("c", priority: 5), [.queued("c")]),
            (.finish("a"), [.next("c")]),
            (.finish("c"), [.next("b")]),
        ], end: end(running: 1, keys: 1, callers: 1)),
        Scenario(name: "a full queue fails fast", configuration: configuration(global: 1, capacity: 1), script: [
            (.submit("a"), [.started("a")]),
            (.submit("b"), [.queued("b")]),
            (.submit("c", key: "other"), [.rejected("c", .full)]),
        ], end: end(waiting: 1, running: 1, keys: 1, callers: 2)),
        Scenario(name: "a job waits for room and is admitted", configuration: configuration(global: 1, capacity: 1, waitForRoom: .seconds(60)), script: [
            (.submit("a"), [.started("a")]),
            (.submit("b"), [.queued("b")]),
            (.submit("c"), [.waitingForRoom("c")]),
            (.finish("a"), [.next("b"), .cancelTask("timer c"), .admitted(1)]),
            (.finish("b"), [.next("c")]),
        ], end: end(running: 1, keys: 1, callers: 1)),
        Scenario(name: "the wait for room runs out", configuration: configuration(global: 1, capacity: 1, waitForRoom: .seconds(60)), script: [
            (.submit("a"), [.started("a")]),
            (.submit("b"), [.queued("b")]),
            (.submit("c"), [.waitingForRoom("c")]),
            (.expireAdmission("c"), [.fail("c", .full, counted: "rejected full"), .cancelTask("timer c")]),
            (.expireAdmission("c"), []),
            (.finish("a"), [.next("b")]),
        ], end: end(running: 1, keys: 1, callers: 1)),
        Scenario(name: "a caller with a pending job's idempotency key follows it, then gets its remembered result", configuration: configuration(), script: [
            (.submit("a", idempotencyKey: "x"), [.started("a")]),
            (.submit("b", key: "other", idempotencyKey: "x"), [.following("b")]),
            (.finish("a"), []),
            (.submit("c", idempotencyKey: "x"), [.remembered("c")]),
        ], end: end(remembered: 1)),
        Scenario(name: "an idempotency key belongs to one result type", configuration: configuration(), script: [
            (.submit("a", idempotencyKey: "x"), [.started("a")]),
            (.submit("b", idempotencyKey: "x", returns: .string), [.rejected("b", .idempotencyTypeMismatch)]),
        ], end: end(running: 1, keys: 1, callers: 1)),
        Scenario(name: "a caller cancelled before it enqueues gets nothing started", configuration: configuration(), script: [
            (.submit("a", callerCancelled: true), [.cancelled("a")]),
        ], end: end()),
        Scenario(name: "cancelling a waiting job removes it", configuration: configuration(), script: [
            (.submit("a"), [.started("a")]),
            (.submit("b"), [.queued("b")]),
            (.cancel("b"), [.fail("b", nil, counted: "failed cancelled")]),
            (.finish("a"), []),
        ], end: end()),
        Scenario(name: "cancelling a running job cancels its runner and forgets its key", configuration: configuration(), script: [
            (.submit("a", idempotencyKey: "x"), [.started("a")]),
            (.submit("b"), [.queued("b")]),
            (.cancel("a"), [.cancelTask("runner a")]),
            (.cancel("a"), []),
            (.finish("a"), [.start("b")]),
            (.submit("c", key: "other", idempotencyKey: "x"), [.started("c")]),
        ], end: end(running: 2, keys: 2, callers: 2)),
        Scenario(name: "the caller of a shared job leaves it; it runs on for its follower", configuration: configuration(), script: [
            (.submit("a", idempotencyKey: "x"), [.started("a")]),
            (.submit("b", idempotencyKey: "x"), [.following("b")]),
            (.cancel("a"), [.detach("a")]),
            (.finish("a"), []),
        ], end: end(remembered: 1)),
        Scenario(name: "when the last caller of a shared job leaves, the job is cancelled", configuration: configuration(), script: [
            (.submit("a", idempotencyKey: "x"), [.started("a")]),
            (.submit("b", idempotencyKey: "x"), [.following("b")]),
            (.cancel("a"), [.detach("a")]),
            (.cancel("b"), [.cancelTask("runner a")]),
            (.finish("a"), []),
        ], end: end()),
        Scenario(name: "a follower leaves; the job runs on for its own caller", configuration: configuration(), script: [
            (.submit("a", idempotencyKey: "x"), [.started("a")]),
            (.submit("b", idempotencyKey: "x"), [.following("b")]),
            (.cancel("b"), [.fail("b", nil, counted: "follower")]),
            (.finish("a"), []),
        ], end: end(remembered: 1)),
        Scenario(name: "a timed-out job's runner is cancelled once; its result is not remembered", configuration: configuration(), script: [
            (.submit("a", idempotencyKey: "x"), [.started("a")]),
            (.timeOut("a"), [.cancelTask("runner a")]),
            (.timeOut("a"), []),
            (.finish("a"), []),
        ], end: end()),
        Scenario(name: "a graceful shutdown fails waiting jobs and lets running ones finish", configuration: configuration(global: 1, capacity: 2, waitForRoom: .seconds(60)), script: [
            (.submit("a"), [.started("a")]),
            (.submit("b"), [.queued("b")]),
            (.submit("c"), [.queued("c")]),
            (.submit("d"), [.waitingForRoom("d")]),
            (.shutDown(cancelRunning: false), [
                .fail("b", .shuttingDown, counted: "failed shutdown"), .fail("c", .shuttingDown, counted: "failed shutdown"),
                .fail("d", .shuttingDown, counted: "rejected shutdown"), .cancelTask("timer d"),
            ]),
            (.submit("e"), [.rejected("e", .shuttingDown)]),
            (.finish("a"), [.stopped]),
        ], end: end(accepting: false)),
        Scenario(name: "the end of the grace period cancels running jobs", configuration: configuration(), script: [
            (.submit("a", key: "k1"), [.started("a")]),
            (.submit("b", key: "k2"), [.started("b")]),
            (.shutDown(cancelRunning: false), []),
            (.shutDown(cancelRunning: true), [.cancelTask("runner b"), .cancelTask("runner a")]),
            (.finish("b"), []),
            (.finish("a"), [.stopped]),
        ], end: end(accepting: false)),
        Scenario(name: "an idle queue stops at once", configuration: configuration(), script: [
            (.shutDown(cancelRunning: true), [.stopped]),
        ], end: end(accepting: false)),
    ]

    @Test(arguments: scenarios)
    func scenario(_ scenario: Scenario) async {
        let harness = Harness(QueueState(configuration: scenario.configuration))
        for (step, expected) in scenario.script {
            let actions = await harness.perform(step)
            #expect(actions == expected, "\(step)")
        }
        #expect(harness.state.statistics == scenario.end)
        harness.releaseCallers()
    }

    @Test func aRunnerCancelledBeforeItsTaskIsAttachedMustCancelIt() async {
        var state = QueueState(configuration: Self.configuration())
        let job = TypedJob<Int>(key: "k", priority: 0, idempotencyKey: nil, timeout: nil, enqueuedAt: nil) { 0 }
        guard case .started(let runner) = state.submit(job, isCancelled: false) else {
            Issue.record("expected the job to start")
            return
        }
        _ = state.timeOut(job)
        let task = Task<Void, Never> {}
        let attached = state.attachTask(task, to: runner)
        #expect(!attached, "the caller must cancel the task")
    }

    @Test func aTimerForAJobNoLongerWaitingForRoomMustBeCancelled() async {
        var state = QueueState(configuration: Self.configuration(global: 1, capacity: 0, waitForRoom: .seconds(1)))
        let first = TypedJob<Int>(key: "k", priority: 0, idempotencyKey: nil, timeout: nil, enqueuedAt: nil) { 0 }
        let second = TypedJob<Int>(key: "k", priority: 0, idempotencyKey: nil, timeout: nil, enqueuedAt: nil) { 0 }
        _ = state.submit(first, isCancelled: false)
        guard case .waitingForRoom = state.submit(second, isCancelled: false) else {
            Issue.record("expected the job to wait for room")
            return
        }
        _ = state.expireAdmission(second)
        let attached = state.attachAdmissionTimer(Task<Void, Never> {}, to: second)
        #expect(!attached, "the caller must cancel the timer")
    }
}
