// A test fixture for JobCore's worker-death guarantee: it starts `/bin/sh -c SCRIPT` under a
// ProcessSupervisor, copies the command's output to its own stdout, and waits. The test reads the
// pids the script prints, kills this process with SIGKILL, and checks the whole tree is gone.
import Foundation
import JobCore
import Logging

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: jobcore-process-fixture SCRIPT\n".utf8))
    exit(2)
}
let supervisor = ProcessSupervisor(logger: Logger(label: "jobcore-process-fixture"))
let process = try await supervisor.start(
    CommandSpec(executable: "/bin/sh", arguments: ["-c", CommandLine.arguments[1]], environment: ["PATH": "/usr/bin:/bin"])
)
FileHandle.standardOutput.write(Data("supervised \(process.processID)\n".utf8))
for await event in process.output {
    if case .chunk(let chunk) = event {
        FileHandle.standardOutput.write(Data(chunk.bytes))
    }
}
let status = try await process.wait()
FileHandle.standardOutput.write(Data("exited \(status)\n".utf8))
