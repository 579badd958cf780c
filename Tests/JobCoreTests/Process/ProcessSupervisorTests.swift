import Foundation
import InMemoryLogging
import JobCore
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite(.timeLimit(.minutes(3)))
struct ProcessSupervisorTests {
    let supervisor = ProcessTestSupport.supervisor()

    @Test func capturesStdoutAndStderrTaggedByStream() async throws {
        let process = try await supervisor.start(ProcessTestSupport.sh("echo out; echo err >&2; echo more"))
        #expect(try await process.wait() == .exited(0))
        let log = process.log
        #expect(log.text(of: .stdout) == "out\nmore\n")
        #expect(log.text(of: .stderr) == "err\n")
        #expect(log.totalByteCount == 13)
        #expect(log.isComplete)
        #expect(!log.isTruncated)
    }

    @Test(arguments: [0, 3, 255] as [Int32])
    func reportsExitCodes(code: Int32) async throws {
        let process = try await supervisor.start(ProcessTestSupport.sh("exit \(code)"))
        #expect(try await process.wait() == .exited(code))
        #expect(process.exitStatus == .exited(code))
    }

    @Test(arguments: [SIGUSR1, SIGKILL, SIGTERM])
    func reportsDeathBySignal(signal: Int32) async throws {
        let process = try await supervisor.start(ProcessTestSupport.sh("kill -\(signal) $$"))
        let status = try await process.wait()
        #expect(status == .signaled(signal))
        #expect(status.shellCode == 128 + signal)
    }

    @Test func environmentIsExactlyTheGivenOne() async throws {
        let process = try await supervisor.start(
            CommandSpec(executable: "/usr/bin/env", environment: ["B": "two words", "A": "1"])
        )
        #expect(try await process.wait() == .exited(0))
        #expect(process.log.text == "A=1\nB=two words\n")

        let empty = try await supervisor.start(CommandSpec(executable: "/usr/bin/env"))
        #expect(try await empty.wait() == .exited(0))
        #expect(empty.log.text == "")
    }

    @Test func resolvesNamesThroughPath() async throws {
        // The command's own PATH first...
        let own = try await supervisor.start(CommandSpec(executable: "env", environment: ["PATH": "/usr/bin:/bin"]))
        #expect(try await own.wait() == .exited(0))
        #expect(own.log.text == "PATH=/usr/bin:/bin\n")
        // ...else the supervisor's, without passing it on.
        let inherited = try await supervisor.start(CommandSpec(executable: "env"))
        #expect(try await inherited.wait() == .exited(0))
        #expect(inherited.log.text == "")
    }

    @Test func runsInTheWorkingDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("jobcore-process-\(UUID().uuidString)").resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("#!/bin/sh\necho script-ran\n".utf8).write(to: directory.appendingPathComponent("script.sh"))
        chmod(directory.appendingPathComponent("script.sh").path, 0o755)

        var command = ProcessTestSupport.sh("pwd")
        command.workingDirectory = directory.path
        let process = try await supervisor.start(command)
        #expect(try await process.wait() == .exited(0))
        #expect(process.log.text == directory.path + "\n")

        // A relative path is taken from the working directory.
        let script = try await supervisor.start(CommandSpec(executable: "./script.sh", workingDirectory: directory.path))
        #expect(try await script.wait() == .exited(0))
        #expect(script.log.text == "script-ran\n")
    }

    @Test func reportsWhatCannotBeStarted() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jobcore-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let notExecutable = directory.appendingPathComponent("plain.txt")
        try Data("echo hi\n".utf8).write(to: notExecutable)

        let cases: [(CommandSpec, ProcessSupervisorError.Code)] = [
            (CommandSpec(executable: "no-such-command-jobcore"), .executableNotFound),
            (CommandSpec(executable: "/no/such/executable"), .executableNotFound),
            (CommandSpec(executable: notExecutable.path), .executionFailed),
            (CommandSpec(executable: "/bin/sh", workingDirectory: directory.path + "/missing"), .workingDirectoryUnavailable),
            (CommandSpec(executable: "/bin/sh", environment: ["A=B": "x"]), .invalidCommand),
            (CommandSpec(executable: "/bin/sh", arguments: ["a\u{0}b"]), .invalidCommand),
            (CommandSpec(executable: ""), .invalidCommand),
        ]
        for (command, code) in cases {
            let error = await #expect(throws: ProcessSupervisorError.self) { try await supervisor.start(command) }
            #expect(error?.code == code, "\(command)")
        }
    }

    @Test func neverLogsEnvironmentOrArgumentValues() async throws {
        let secret = "s3cr3t-value-4711"
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "jobcore.tests.process.secrets", factory: { _ in handler })
        logger.logLevel = .trace
        let supervisor = ProcessSupervisor(configuration: .init(stopGracePeriod: .seconds(1)), logger: logger)

        let command = ProcessTestSupport.sh("echo started; sleep 1000 # \(secret)", environment: ["TOKEN": secret])
        let process = try await supervisor.start(command)
        _ = await ProcessTestSupport.read(process) { $0.contains("started") }
        await process.stop()
        var failing = command
        failing.workingDirectory = "/no/such/directory"
        let error = await #expect(throws: ProcessSupervisorError.self) { try await supervisor.start(failing) }

        let logged = handler.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(!handler.entries.isEmpty)
        #expect(logged.contains("TOKEN"))  // names are logged...
        #expect(!logged.contains(secret))  // ...values are not.
        #expect(!"\(command)".contains(secret))
        #expect(error?.code == .workingDirectoryUnavailable)
        #expect(!"\(error.map { "\($0)" } ?? "")".contains(secret))
    }

    #if os(Linux)
    @Test func commandInheritsOnlyItsStandardDescriptorsAndDefaultSignals() async throws {
        // Another command running at the same time must not leak its descriptors either.
        let other = try await supervisor.start(ProcessTestSupport.sh("sleep 1000"))
        let process = try await supervisor.start(CommandSpec(executable: "/bin/sleep", arguments: ["1000"]))
        defer {
            other.kill()
            process.kill()
        }
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processID)/fd").sorted()
        #expect(descriptors == ["0", "1", "2"])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process.processID)/fd/0") == "/dev/null")

        let status = try String(contentsOfFile: "/proc/\(process.processID)/status", encoding: .utf8)
        let signalLines = status.split(separator: "\n").filter { $0.hasPrefix("SigBlk") || $0.hasPrefix("SigIgn") }
        #expect(signalLines == ["SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"])

        // Its own process group, in a session without a controlling terminal.
        let fields = try #require(ProcessTestSupport.procStat(of: process.processID))
        #expect(fields[2] == "\(process.processID)")  // pgrp
        #expect(fields[4] == "0")  // tty_nr
    }
    #endif

    @Test func waitIsCancellableAndLeavesTheProcessRunning() async throws {
        let process = try await supervisor.start(ProcessTestSupport.sh("sleep 1000"))
        let waiter = Task { try await process.wait() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(process.exitStatus == nil)
        process.kill()
        #expect(try await process.wait() == .signaled(SIGKILL))
    }
}
