import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A worker killed with SIGKILL takes its jobs' whole process trees with it.
///
/// The worker is `jobcore-process-fixture`, a separate executable that runs a tree under
/// ProcessSupervisor. It is started with Foundation's `Process` so that no guardian of ours is
/// its ancestor (a guardian would adopt and kill the orphans itself, hiding a failure).
@Suite(.timeLimit(.minutes(3)))
struct WorkerDeathTests {
    typealias Support = ProcessTestSupport

    static var script: String {
        var script = #"""
            sleep 1000 & echo "pid $!"
            sh -c 'sleep 1000 & echo "pid $!"; echo "pid $$"; wait' &
            echo "pid $$"; echo "guardian $PPID"
            """#
        #if os(Linux)
        script += "\n" + #"setsid sleep 1000 & echo "pid $!""#
        #endif
        return script + "\nwait"
    }

    static var treeSize: Int {
        #if os(Linux)
        5
        #else
        4
        #endif
    }

    @Test func theWholeTreeDiesWithItsWorker() async throws {
        let fixture = Process()
        fixture.executableURL = try Self.fixtureURL()
        fixture.arguments = [Self.script]
        let stdout = Pipe()
        fixture.standardOutput = stdout
        let (terminations, terminated) = AsyncStream<Process>.makeStream()
        fixture.terminationHandler = { terminated.yield($0) }
        try fixture.run()
        defer { if fixture.isRunning { kill(fixture.processIdentifier, SIGKILL) } }
        try? stdout.fileHandleForWriting.close()
        let output = Self.chunks(of: stdout.fileHandleForReading)

        var text = ""
        for await chunk in output {
            text += chunk
            if ProcessTestSupport.numbers(labelled: "pid", in: text).count >= Self.treeSize,
                !ProcessTestSupport.numbers(labelled: "guardian", in: text).isEmpty
            {
                break
            }
        }
        let tree = ProcessTestSupport.numbers(labelled: "pid", in: text).map(Support.Identity.init)
        let guardian = ProcessTestSupport.numbers(labelled: "guardian", in: text).map(Support.Identity.init)
        defer { Support.killAll(tree + guardian) }
        try #require(tree.count == Self.treeSize, "fixture output: \(text)")
        try #require(guardian.count == 1, "fixture output: \(text)")
        #expect(tree.allSatisfy { Support.liveness($0) == .alive })

        kill(fixture.processIdentifier, SIGKILL)
        for await process in terminations {
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(process.terminationStatus == SIGKILL)
            break
        }

        // The guardian reaps the tree, so its processes vanish entirely. The guardian itself is
        // adopted by init (or a subreaper), which may leave it a zombie.
        #expect(await Support.survivors(of: tree) == [])
        #expect(await Support.survivors(of: guardian, allowingZombies: true) == [])
    }

    /// The fixture is built beside the test bundle.
    static func fixtureURL() throws -> URL {
        var directories: [URL] = []
        #if os(Linux)
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        #endif
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        directories.append(Bundle.main.bundleURL)
        let candidates = directories.map { $0.appendingPathComponent("jobcore-process-fixture") }
        return try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
            "jobcore-process-fixture not found in \(directories.map(\.path))"
        )
    }

    /// What `handle` reads, as text, until end of file. Blocking reads happen on their own thread.
    static func chunks(of handle: FileHandle) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        Thread {
            while case let data = handle.availableData, !data.isEmpty {
                continuation.yield(String(decoding: data, as: UTF8.self))
            }
            continuation.finish()
        }.start()
        return stream
    }
}
