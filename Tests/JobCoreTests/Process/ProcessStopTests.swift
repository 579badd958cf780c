import JobCore
import JobCoreTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite(.timeLimit(.minutes(3)))
struct ProcessStopTests {
    typealias Support = ProcessTestSupport

    /// Scripts that print `pid N` for every process of their tree and `guardian $PPID`.
    static let trees: [(name: String, script: String, processes: Int)] = [
        (
            "two background children",
            #"sleep 1000 & echo "pid $!"; sleep 1000 & echo "pid $!"; echo "pid $$"; echo "guardian $PPID"; wait"#,
            3
        ),
        (
            "nested shell with a grandchild",
            #"sh -c 'sleep 1000 & echo "pid $!"; echo "pid $$"; wait' & echo "guardian $PPID"; echo "pid $$"; wait"#,
            3
        ),
    ]

    @Test func stopEndsAProcessThatHonoursTermWithoutWaitingForTheGrace() async throws {
        let clock = ManualClock()  // never advanced: the grace period never runs out
        let process = try await Support.supervisor(clock: clock).start(Support.sh("echo ready; sleep 1000 & wait"))
        _ = await Support.read(process) { $0.contains("ready") }
        #expect(await process.stop() == .signaled(SIGTERM))
    }

    @Test func stopLetsATrapRunAndReportsItsExitCode() async throws {
        let script = "trap 'echo got-term; exit 3' TERM; echo ready; sleep 1000 & wait"
        let process = try await Support.supervisor(clock: ManualClock()).start(Support.sh(script))
        _ = await Support.read(process) { $0.contains("ready") }
        #expect(await process.stop() == .exited(3))
        #expect(process.log.text.contains("got-term"))
    }

    @Test func stopKillsAfterTheGraceWhenTermIsIgnored() async throws {
        let clock = ManualClock()
        let process = try await Support.supervisor(clock: clock, grace: .seconds(5))
            .start(Support.sh("trap '' TERM; echo ready; sleep 1000"))
        _ = await Support.read(process) { $0.contains("ready") }

        let stopping = Task { await process.stop() }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(4))
        #expect(clock.sleeperCount == 1)
        #expect(process.exitStatus == nil)  // TERM is ignored, the grace is not over
        clock.advance(by: .seconds(1))
        #expect(await stopping.value == .signaled(SIGKILL))
    }

    @Test func stopKeepsItsGraceWhenTheCallerIsCancelled() async throws {
        let clock = ManualClock()
        let process = try await Support.supervisor(clock: clock).start(Support.sh("trap '' TERM; echo ready; sleep 1000"))
        _ = await Support.read(process) { $0.contains("ready") }
        let stopping = Task { await process.stop(grace: .seconds(30)) }
        await clock.waitForSleepers(1)
        stopping.cancel()
        #expect(clock.sleeperCount == 1)
        #expect(process.exitStatus == nil)
        clock.advance(by: .seconds(30))
        #expect(await stopping.value == .signaled(SIGKILL))
    }

    @Test func waitOrStopStopsTheCommandWhenTheTaskIsCancelled() async throws {
        let clock = ManualClock()  // never advanced: the trap ends the command within the grace
        let script = "trap 'echo cleaning-up; exit 4' TERM; echo ready; sleep 1000 & wait"
        let process = try await Support.supervisor(clock: clock).start(Support.sh(script))
        let job = Task { await process.waitOrStop() }
        _ = await Support.read(process) { $0.contains("ready") }
        job.cancel()
        #expect(await job.value == .exited(4))
        #expect(process.log.text.contains("cleaning-up"))

        let finished = try await Support.supervisor(clock: clock).start(Support.sh("exit 6"))
        #expect(await finished.waitOrStop() == .exited(6))
    }

    @Test func killIsImmediate() async throws {
        let process = try await Support.supervisor().start(Support.sh("trap '' TERM; echo ready; sleep 1000"))
        _ = await Support.read(process) { $0.contains("ready") }
        process.kill()
        #expect(try await process.wait() == .signaled(SIGKILL))
        #expect(await process.stop() == .signaled(SIGKILL))  // already ended: its status
    }

    @Test(arguments: trees.map(\.name), [true, false])
    func stopAndKillEndTheWholeTreeAndLeaveNoZombies(tree: String, force: Bool) async throws {
        let tree = try #require(Self.trees.first { $0.name == tree })
        let process = try await Support.supervisor().start(Support.sh(tree.script))
        let processes = await Support.treePIDs(of: process, count: tree.processes).map(Support.Identity.init)
        defer { Support.killAll(processes) }
        #expect(processes.count == tree.processes + 1)
        #expect(processes.allSatisfy { Support.liveness($0) == .alive })

        if force {
            process.kill()
            #expect(try await process.wait() == .signaled(SIGKILL))
        } else {
            #expect(await process.stop() == .signaled(SIGTERM))
        }
        await Self.expectNothingLeft(of: processes)
    }

    @Test func leftoversAreKilledWhenTheCommandExits() async throws {
        let script = #"sleep 1000 & echo "pid $!"; echo "guardian $PPID"; exit 0"#
        let process = try await Support.supervisor().start(Support.sh(script))
        let processes = await Support.treePIDs(of: process, count: 1).map(Support.Identity.init)
        defer { Support.killAll(processes) }
        #expect(try await process.wait() == .exited(0))
        #expect(processes.count == 2)
        await Self.expectNothingLeft(of: processes)
    }

    #if os(Linux)
    @Test func processesThatLeaveTheGroupAreKilledToo() async throws {
        // `setsid` moves sleep to a new session; the subshell double-forks an orphan in one.
        let script = #"""
            setsid sleep 1000 & echo "pid $!"
            (setsid sh -c 'sleep 1000 & echo "pid $!"; echo "pid $$"; wait' &)
            echo "guardian $PPID"; wait
            """#
        let process = try await Support.supervisor().start(Support.sh(script))
        let processes = await Support.treePIDs(of: process, count: 3).map(Support.Identity.init)
        defer { Support.killAll(processes) }
        #expect(processes.count == 4)
        let groups = processes.dropLast().compactMap { Support.procStat(of: $0.pid)?[2] }
        #expect(!groups.contains("\(process.processID)"))  // they did leave the group

        #expect(await process.stop() == .signaled(SIGTERM))
        await Self.expectNothingLeft(of: processes)
    }
    #endif

    #if os(Linux)
    @Test func aGuardianAskedToTerminateTearsTheTreeDown() async throws {
        let script = #"sleep 1000 & echo "pid $!"; echo "pid $$"; echo "guardian $PPID"; wait"#
        let process = try await Support.supervisor().start(Support.sh(script))
        let processes = await Support.treePIDs(of: process, count: 2).map(Support.Identity.init)
        defer { Support.killAll(processes) }
        let guardian = try #require(processes.last)
        kill(guardian.pid, SIGTERM)
        #expect(try await process.wait() == .signaled(SIGKILL))
        await Self.expectNothingLeft(of: processes)
    }

    @Test func aKilledGuardianStillTakesTheCommandAndItsGroup() async throws {
        let script = #"sleep 1000 & echo "pid $!"; echo "pid $$"; echo "guardian $PPID"; wait"#
        let process = try await Support.supervisor().start(Support.sh(script))
        let processes = await Support.treePIDs(of: process, count: 2).map(Support.Identity.init)
        defer { Support.killAll(processes) }
        let guardian = try #require(processes.last)
        kill(guardian.pid, SIGKILL)
        // The command dies by its parent-death signal, the monitor kills the rest of the group;
        // orphans are then reaped by init, not by us, so zombies may linger for a moment.
        #expect(try await process.wait() == .signaled(SIGKILL))
        #expect(await Support.survivors(of: processes, allowingZombies: true) == [])
    }
    #endif

    /// Checks, once the exit status is known, that no process of the tree is left. On Linux the
    /// guardian has killed and reaped the whole tree, and the monitor has reaped the guardian,
    /// before the status is reported: not even a zombie may remain, so there is nothing to wait
    /// for. Elsewhere orphans are reaped by launchd, later.
    static func expectNothingLeft(
        of processes: [Support.Identity], sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        #if os(Linux)
        let left = processes.filter { Support.liveness($0) != .gone }
        #expect(left == [], "left: \(left.map { "\($0.pid) \(Support.liveness($0))" })", sourceLocation: sourceLocation)
        #else
        #expect(await Support.survivors(of: processes) == [], sourceLocation: sourceLocation)
        #endif
    }
}
