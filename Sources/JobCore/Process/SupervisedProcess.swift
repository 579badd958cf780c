import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command started by ``ProcessSupervisor``: its output, its exit, and the means to stop it.
///
/// The command runs in its own process group, under a guardian process that kills the whole
/// group (and, on Linux, every descendant) when the command exits, when it is stopped, and when
/// the supervising process dies. Dropping this handle does not stop the command; its monitor
/// thread keeps collecting output and reaps it when it ends.
public final class SupervisedProcess: Sendable {
    /// The command's pid, which is also its process group id.
    public let processID: Int32

    /// The pid of the guardian process between the supervisor and the command.
    let guardianProcessID: Int32

    private let lifecycle: ProcessLifecycle
    private let buffer: OutputBuffer
    private let clock: any WallClock
    private let defaultGrace: Duration
    private let logger: Logger

    init(
        launched: LaunchedProcess,
        buffer: OutputBuffer,
        clock: any WallClock,
        defaultGrace: Duration,
        logger: Logger
    ) {
        processID = launched.processID
        guardianProcessID = launched.guardianProcessID
        lifecycle = launched.lifecycle
        self.buffer = buffer
        self.clock = clock
        self.defaultGrace = defaultGrace
        self.logger = logger
    }

    /// The command's stdout and stderr, from the first byte, following new output until the
    /// command's pipes close. Each use starts a new iteration from the beginning.
    public var output: ProcessOutput { ProcessOutput(buffer: buffer) }

    /// A snapshot of the bounded output log.
    public var log: OutputLog { buffer.snapshot() }

    /// The exit status, or nil while the command runs.
    public var exitStatus: ExitStatus? { lifecycle.exitStatus }

    /// Waits for the command to end. When it returns, ``log`` is complete and every process of
    /// the command's group has been killed and reaped.
    /// - Returns: How the command ended.
    /// - Throws: `CancellationError` when the waiting task is cancelled first; the command keeps
    ///   running (call ``stop(grace:)`` to end it).
    public func wait() async throws -> ExitStatus {
        try await lifecycle.wait()
    }

    /// Waits for the command to end; when the calling task is cancelled first, stops the command
    /// (see ``stop(grace:)``) and returns how it ended. The usual way to run a job's command.
    /// - Parameter grace: The stop's grace period; nil means the supervisor's default.
    /// - Returns: How the command ended.
    public func waitOrStop(grace: Duration? = nil) async -> ExitStatus {
        do {
            return try await wait()
        } catch {
            return await stop(grace: grace)
        }
    }

    /// Stops the command: SIGTERM (followed by SIGCONT, so a stopped process can act on it) to its
    /// process group, then SIGKILL when it has not ended after `grace`, measured on the
    /// supervisor's clock.
    ///
    /// The grace period holds even when the calling task is cancelled, so that a cancelled job
    /// still gets its chance to clean up; call ``kill()`` to end it sooner.
    /// - Parameter grace: How long the command may take to exit; nil means the supervisor's
    ///   ``ProcessSupervisor/Configuration/stopGracePeriod``.
    /// - Returns: How the command ended (already ended: its status).
    @discardableResult
    public func stop(grace: Duration? = nil) async -> ExitStatus {
        if let status = lifecycle.exitStatus { return status }
        let grace = grace ?? defaultGrace
        logger.debug("stopping process", metadata: ["process.pid": "\(processID)", "process.grace": "\(grace)"])
        lifecycle.send(SIGTERM, SIGCONT)
        // Not a child task, so the caller's cancellation does not cut the grace short. It is
        // cancelled, and awaited, as soon as the command has ended.
        let deadline = Task { [clock, lifecycle, logger, processID] in
            do {
                try await clock.sleep(for: grace)
            } catch {
                return
            }
            if lifecycle.send(SIGKILL) {
                logger.debug("grace period over; killing process group", metadata: ["process.pid": "\(processID)"])
            }
        }
        let status = await lifecycle.waitIgnoringCancellation()
        deadline.cancel()
        await deadline.value
        return status
    }

    /// Whether the guardian stopped the command because its ``CommandSpec/lease`` ran out before
    /// it was extended.
    public var stoppedForLease: Bool { lifecycle.stoppedForLease }

    /// Moves the lease deadline the guardian enforces (see ``ProcessLease``); the grace stays as
    /// started. Has no effect on a command started without a lease, or once the guardian has begun
    /// to stop it.
    /// - Returns: false when the command has ended or the guardian could not be reached.
    @discardableResult
    public func extendLease(until deadline: ContinuousClock.Instant) -> Bool {
        lifecycle.extendLease(to: ProcessLease.guardianNanoseconds(deadline))
    }

    /// Kills the command's process group with SIGKILL now. Returns at once; ``wait()`` reports the end.
    public func kill() {
        if lifecycle.send(SIGKILL) {
            logger.debug("killing process group", metadata: ["process.pid": "\(processID)"])
        }
    }
}
