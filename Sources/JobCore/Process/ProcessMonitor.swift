import CJobCoreProcess
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a command and watches it from a dedicated thread, one per command: the fork, every
/// blocking read and the final `waitpid` happen there, never on Swift's cooperative pool.
enum ProcessMonitor {
    /// A pipe or socket pair: the worker's end and the end the guardian takes.
    private typealias Descriptors = (worker: Int32, guardian: Int32)

    /// Starts `launch` under a guardian and returns once the command has been executed.
    /// - Throws: ``ProcessSupervisorError`` when pipes, the fork, `chdir` or `execve` fail.
    static func launch(_ launch: ProcessLaunch, output: OutputBuffer, logger: Logger) async throws -> LaunchedProcess {
        try await withCheckedThrowingContinuation { (started: CheckedContinuation<LaunchedProcess, any Error>) in
            let thread = Thread {
                run(launch, output: output, logger: logger, started: started)
            }
            thread.name = "jobcore-process"
            thread.start()
        }
    }

    private static func run(
        _ launch: ProcessLaunch,
        output: OutputBuffer,
        logger: Logger,
        started: CheckedContinuation<LaunchedProcess, any Error>
    ) {
        func failure(_ code: ProcessSupervisorError.Code, _ error: Int32?, _ reason: String? = nil) -> ProcessSupervisorError {
            ProcessSupervisorError(
                code, ProcessSupervisorError.message(executable: launch.executable, reason: reason, systemError: error),
                executable: launch.executable, systemError: error
            )
        }

        // Every descriptor is close-on-exec; the guardian moves its ends into place itself.
        // Pipes: the worker reads, the guardian (or the command) writes. Control: a socket pair.
        enum Kind { case pipe, socketPair }
        var made: [Descriptors] = []
        for kind in [Kind.pipe, .pipe, .pipe, .pipe, .socketPair] {
            var fds: [Int32] = [-1, -1]
            let result = kind == .pipe ? jobcore_make_pipe(&fds) : jobcore_make_control_pair(&fds)
            guard result == 0 else {
                let error = errno
                made.forEach { close($0.worker); close($0.guardian) }
                started.resume(throwing: failure(.spawnFailed, error, "cannot create pipes"))
                return
            }
            made.append((worker: fds[0], guardian: fds[1]))
        }
        let (stdoutPipe, stderrPipe, statusPipe, execPipe, control) = (made[0], made[1], made[2], made[3], made[4])

        let guardian = spawn(
            launch,
            stdout: stdoutPipe.guardian,
            stderr: stderrPipe.guardian,
            status: statusPipe.guardian,
            exec: execPipe.guardian,
            control: control.guardian
        )
        let forkError = errno
        made.forEach { close($0.guardian) }
        guard guardian > 0 else {
            made.forEach { close($0.worker) }
            started.resume(throwing: failure(.spawnFailed, forkError, "cannot fork the guardian"))
            return
        }

        // Handshake: the guardian reports the command's pid, then the exec pipe reaches end of
        // file when execve succeeds, or carries the reason it failed.
        var startError: ProcessSupervisorError?
        var processID: Int32 = 0
        switch readRecord(statusPipe.worker) {
        case let record? where record.kind == JOBCORE_STATUS_STARTED:
            processID = record.value
            var exec = jobcore_exec_record()
            if readFull(execPipe.worker, &exec, MemoryLayout<jobcore_exec_record>.size) {
                if exec.stage == JOBCORE_EXEC_STAGE_CHDIR {
                    startError = failure(.workingDirectoryUnavailable, exec.error, launch.workingDirectory)
                } else if exec.stage == JOBCORE_EXEC_STAGE_CREDENTIALS {
                    startError = failure(.executionFailed, exec.error, "cannot run as \(launch.user?.description ?? "another user")")
                } else if exec.error == ENOENT || exec.error == ENOTDIR {
                    startError = failure(.executableNotFound, exec.error, launch.path)
                } else {
                    startError = failure(.executionFailed, exec.error, launch.path)
                }
            }
        case let record? where record.kind == JOBCORE_STATUS_SPAWN_FAILED:
            startError = failure(.spawnFailed, record.value, "the guardian could not start the command")
        default:
            startError = failure(.spawnFailed, nil, "the guardian exited during start-up")
        }
        close(execPipe.worker)

        if let startError {
            close(control.worker)  // The guardian, if alive, tears down and exits.
            while readRecord(statusPipe.worker) != nil {}
            for fd in [stdoutPipe.worker, stderrPipe.worker, statusPipe.worker] { close(fd) }
            var kind: Int32 = 0
            var value: Int32 = 0
            _ = jobcore_reap(guardian, &kind, &value)
            started.resume(throwing: startError)
            return
        }

        let lifecycle = ProcessLifecycle(controlFD: control.worker)
        started.resume(returning: LaunchedProcess(processID: processID, guardianProcessID: guardian, lifecycle: lifecycle))

        let reported = pump(
            stdout: stdoutPipe.worker, stderr: stderrPipe.worker, status: statusPipe.worker, into: output, lifecycle: lifecycle
        )
        var kind: Int32 = 0
        var value: Int32 = 0
        _ = jobcore_reap(guardian, &kind, &value)
        let status: ExitStatus
        if let reported {
            status = reported
        } else {
            // The guardian was killed from outside. The command died with it (parent-death
            // signal on Linux); kill what may remain of its group.
            logger.error(
                "process guardian ended without a report; killing the process group",
                metadata: ["process.pid": "\(processID)", "process.guardian-pid": "\(guardian)"]
            )
            _ = kill(-processID, SIGKILL)
            status = .signaled(SIGKILL)
        }
        output.finish()
        lifecycle.finish(status)
        logger.debug("process exited", metadata: ["process.pid": "\(processID)", "process.status": "\(status)"])
    }

    /// Copies stdout and stderr into `output` until the guardian closes the status pipe, then
    /// drains what is left. Returns the status the guardian reported, if it did.
    private static func pump(stdout: Int32, stderr: Int32, status: Int32, into output: OutputBuffer, lifecycle: ProcessLifecycle) -> ExitStatus? {
        _ = jobcore_set_nonblocking(stdout)
        _ = jobcore_set_nonblocking(stderr)
        let streams: [OutputChunk.Stream] = [.stdout, .stderr]
        var fds = [stdout, stderr, status].map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var reported: ExitStatus?

        enum ReadResult { case data, empty, end }
        func readOutput(_ index: Int) -> ReadResult {
            let count = buffer.withUnsafeMutableBytes { jobcore_read(fds[index].fd, $0.baseAddress, UInt($0.count)) }
            if count > 0 {
                output.append(streams[index], buffer[0..<count])
                return .data
            }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .empty }
            return .end
        }

        while fds[2].fd >= 0 {
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in 0..<2 where fds[index].fd >= 0 && fds[index].revents != 0 {
                if readOutput(index) == .end {
                    close(fds[index].fd)
                    fds[index].fd = -1
                }
            }
            if fds[2].revents != 0 {
                if let record = readRecord(status) {
                    if record.kind == JOBCORE_STATUS_EXITED { reported = .exited(record.value) }
                    if record.kind == JOBCORE_STATUS_SIGNALED { reported = .signaled(record.value) }
                    if record.kind == JOBCORE_STATUS_LEASE_EXPIRED { lifecycle.leaseExpired() }
                } else {
                    close(status)
                    fds[2].fd = -1
                }
            }
        }
        // The guardian has exited: on Linux every process of the tree is gone. What remains in the
        // pipes was written before; a process that escaped (possible only on Darwin) is not waited for.
        for index in 0..<2 where fds[index].fd >= 0 {
            while readOutput(index) == .data {}
            close(fds[index].fd)
        }
        if fds[2].fd >= 0 { close(fds[2].fd) }
        return reported
    }

    private static func spawn(
        _ launch: ProcessLaunch, stdout: Int32, stderr: Int32, status: Int32, exec: Int32, control: Int32
    ) -> pid_t {
        withCStringArray(launch.argv) { argv in
            withCStringArray(launch.environment) { envp in
                launch.path.withCString { path in
                    func spawn(_ directory: UnsafePointer<CChar>?) -> pid_t {
                        var request = jobcore_spawn_request(
                            path: path, argv: argv, envp: envp, working_directory: directory,
                            stdout_fd: stdout, stderr_fd: stderr, status_fd: status, exec_fd: exec, control_fd: control,
                            lease_deadline_ns: launch.leaseDeadline, lease_grace_ns: launch.leaseGrace,
                            run_as_uid: launch.user.map { Int64($0.uid) } ?? -1, run_as_gid: launch.user.map { Int64($0.gid) } ?? -1
                        )
                        return jobcore_spawn_guarded(&request)
                    }
                    guard let workingDirectory = launch.workingDirectory else { return spawn(nil) }
                    return workingDirectory.withCString { spawn($0) }
                }
            }
        }
    }

    /// Calls `body` with a NULL-terminated array of C strings, freed afterwards.
    private static func withCStringArray<Result>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result
    ) -> Result {
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { array[index] = strdup(string) }
        array[strings.count] = nil
        defer {
            for index in 0..<strings.count { free(array[index]) }
            array.deallocate()
        }
        return body(array)
    }

    /// Reads one status record; nil at end of file. The guardian writes each record at once
    /// (smaller than PIPE_BUF, so atomically).
    private static func readRecord(_ fd: Int32) -> jobcore_status_record? {
        var record = jobcore_status_record()
        return readFull(fd, &record, MemoryLayout<jobcore_status_record>.size) ? record : nil
    }

    private static func readFull<Value>(_ fd: Int32, _ value: inout Value, _ size: Int) -> Bool {
        withUnsafeMutableBytes(of: &value) { bytes in
            var offset = 0
            while offset < size {
                let count = jobcore_read(fd, bytes.baseAddress! + offset, UInt(size - offset))
                if count <= 0 { return false }
                offset += count
            }
            return true
        }
    }
}
