@testable import JobCore
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The guardian enforces a command's lease by itself (issue 17 item 6): SIGTERM `grace` before the
/// deadline, SIGKILL at it, unless the supervising process extends it first. Time-bound, so
/// `scripts/test` runs it on its own (its name holds `Exclusive`).
@Suite(.timeLimit(.minutes(2)))
struct ProcessLeaseExclusiveTests {
    let supervisor = ProcessTestSupport.supervisor()

    func start(_ script: String, deadline: Duration, grace: Duration) async throws -> SupervisedProcess {
        var spec = ProcessTestSupport.sh(script)
        spec.lease = ProcessLease(deadline: .now + deadline, grace: grace)
        return try await supervisor.start(spec)
    }

    @Test func aCommandWhoseLeaseRunsOutGetsSIGTERMBeforeTheDeadline() async throws {
        let started = ContinuousClock.now
        let process = try await start("sleep 1000", deadline: .seconds(1), grace: .milliseconds(400))
        #expect(try await process.wait() == .signaled(SIGTERM))
        let elapsed = ContinuousClock.now - started
        #expect(process.stoppedForLease)
        #expect(elapsed >= .milliseconds(550), "SIGTERM came \(elapsed) after the start, before deadline − grace")
    }

    @Test func aCommandThatIgnoresSIGTERMIsKilledAtTheDeadline() async throws {
        // Started far from its deadline, which moves close only once the trap is set: a loaded
        // machine may take longer than the grace to start the shell.
        let process = try await start("trap '' TERM; echo ready; while :; do sleep 0.05; done", deadline: .seconds(120), grace: .milliseconds(500))
        _ = await ProcessTestSupport.read(process) { $0.contains("ready") }
        let moved = ContinuousClock.now
        #expect(process.extendLease(until: .now + .seconds(1)))
        #expect(try await process.wait() == .signaled(SIGKILL))
        #expect(process.stoppedForLease)
        #expect(ContinuousClock.now - moved >= .milliseconds(950))
    }

    @Test func anExtensionMovesTheDeadline() async throws {
        // Started far from its deadline (a loaded machine may take seconds to start a command),
        // then moved: the guardian applies each record whole, the last one wins.
        let started = ContinuousClock.now
        let process = try await start("sleep 30; exit 7", deadline: .seconds(120), grace: .milliseconds(300))
        #expect(process.extendLease(until: .now + .seconds(60)))
        #expect(process.extendLease(until: .now + .seconds(1)))
        #expect(try await process.wait() == .signaled(SIGTERM))
        #expect(process.stoppedForLease)
        #expect(ContinuousClock.now - started < .seconds(25), "the moved deadline was not applied")
        #expect(!process.extendLease(until: .now + .seconds(30)), "an ended command has no lease to extend")
    }

    @Test func anExtendedLeaseLetsTheCommandFinish() async throws {
        // Started far from its deadline (starting may take seconds on a loaded machine), moved to
        // 2 s away and then far again: the command runs past the near deadline and finishes.
        let process = try await start("sleep 5; exit 7", deadline: .seconds(120), grace: .milliseconds(300))
        let moved = ContinuousClock.now
        #expect(process.extendLease(until: .now + .seconds(2)))
        #expect(process.extendLease(until: .now + .seconds(120)))
        #expect(try await process.wait() == .exited(7))
        #expect(ContinuousClock.now - moved >= .seconds(2), "the command ended before the near deadline")
        #expect(!process.stoppedForLease)
    }

    @Test func aCommandWithoutALeaseIsNotStopped() async throws {
        let process = try await supervisor.start(ProcessTestSupport.sh("sleep 0.3; exit 3"))
        #expect(try await process.wait() == .exited(3))
        #expect(!process.stoppedForLease)
    }
}
