@testable import JobCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite(.timeLimit(.minutes(3)))
struct ProcessOutputTests {
    let supervisor = ProcessTestSupport.supervisor()

    @Test func outputIsReadableWhileTheProcessRuns() async throws {
        let process = try await supervisor.start(ProcessTestSupport.sh("echo first; echo second >&2; sleep 1000"))
        let text = await ProcessTestSupport.read(process) { $0.contains("first\n") && $0.contains("second\n") }
        #expect(text.contains("first\n"))
        #expect(process.exitStatus == nil)
        #expect(process.log.text(of: .stdout) == "first\n")
        #expect(process.log.text(of: .stderr) == "second\n")
        #expect(!process.log.isComplete)

        // Every iteration starts from the first byte.
        var iterator = process.output.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first == .chunk(OutputChunk(stream: .stdout, bytes: Array("first\n".utf8))))

        process.kill()
        #expect(try await process.wait() == .signaled(SIGKILL))
        #expect(process.log.isComplete)
    }

    @Test func truncationKeepsHeadAndTailAndMarksTheGap() async throws {
        let script = "printf HEAD; head -c 5000 /dev/zero | tr '\\0' x; printf TAIL"
        let process = try await supervisor.start(ProcessTestSupport.sh(script, outputLimit: 1000))
        #expect(try await process.wait() == .exited(0))

        let log = process.log
        #expect(log.totalByteCount == 5008)
        #expect(log.omittedByteCount == 4008)
        #expect(log.isTruncated)
        #expect(log.text.hasPrefix("HEAD" + String(repeating: "x", count: 496) + "\n[... 4008 bytes of output omitted ...]\n"))
        #expect(log.text.hasSuffix(String(repeating: "x", count: 496) + "TAIL"))
        #expect(log.events.filter { if case .truncated = $0 { true } else { false } } == [.truncated(omittedBytes: 4008)])

        // A reader arriving after the fact sees the same log.
        var events: [OutputEvent] = []
        for await event in process.output { events.append(event) }
        #expect(events == log.events)
    }

    @Test func countsEveryByteOfALargeOutput() async throws {
        let process = try await supervisor.start(ProcessTestSupport.sh("head -c 20000000 /dev/zero; echo end >&2"))
        #expect(try await process.wait() == .exited(0))
        let log = process.log
        #expect(log.totalByteCount == 20_000_004)
        #expect(log.omittedByteCount == 20_000_004 - (1 << 20))
        #expect(log.events.count >= 3)
    }

    @Test func iterationEndsWhenTheTaskIsCancelled() async throws {
        let process = try await supervisor.start(ProcessTestSupport.sh("echo hello; sleep 1000"))
        defer { process.kill() }
        let reader = Task {
            var count = 0
            for await _ in process.output { count += 1 }
            return count
        }
        _ = await ProcessTestSupport.read(process) { $0.contains("hello") }
        reader.cancel()
        #expect(await reader.value >= 0)
        #expect(process.exitStatus == nil)
    }
}

@Suite struct OutputBufferTests {
    private func chunk(_ text: String, _ stream: OutputChunk.Stream = .stdout) -> OutputEvent {
        .chunk(OutputChunk(stream: stream, bytes: Array(text.utf8)))
    }

    @Test func aReaderThatKeepsUpSeesEveryByte() async {
        let buffer = OutputBuffer(limit: 8)
        var iterator = ProcessOutput(buffer: buffer).makeAsyncIterator()
        var seen = ""
        for piece in ["abcd", "efgh", "ijkl", "mnop", "qrst"] {
            buffer.append(.stdout, ArraySlice(piece.utf8))
            if case .chunk(let chunk)? = await iterator.next() { seen += chunk.text }
        }
        buffer.finish()
        #expect(await iterator.next() == nil)
        #expect(seen == "abcdefghijklmnopqrst")
        #expect(buffer.snapshot().omittedByteCount == 12)
    }

    @Test func aReaderThatFallsBehindGetsTheExactGap() async {
        let buffer = OutputBuffer(limit: 8)
        var iterator = ProcessOutput(buffer: buffer).makeAsyncIterator()
        buffer.append(.stdout, ArraySlice("abcdef".utf8))  // head "abcd", tail "ef"
        #expect(await iterator.next() == chunk("abcd"))
        buffer.append(.stderr, ArraySlice("ghijklmn".utf8))  // tail keeps "klmn"
        #expect(await iterator.next() == .truncated(omittedBytes: 6))
        #expect(await iterator.next() == chunk("klmn", .stderr))
        buffer.finish()
        #expect(await iterator.next() == nil)
        #expect(buffer.snapshot().events == [chunk("abcd"), .truncated(omittedBytes: 6), chunk("klmn", .stderr)])
    }

    @Test func snapshotSplitsAChunkAcrossHeadAndTail() {
        let buffer = OutputBuffer(limit: 6)
        buffer.append(.stdout, ArraySlice("abcdefghij".utf8))
        let log = buffer.snapshot()
        #expect(log.events == [chunk("abc"), .truncated(omittedBytes: 4), chunk("hij")])
        #expect(log.text == "abc" + OutputLog.truncationMarker(omittedBytes: 4) + "hij")
        #expect(log.totalByteCount == 10)
        #expect(!log.isComplete)
    }

    @Test func zeroLimitKeepsOnlyTheCount() {
        let buffer = OutputBuffer(limit: 0)
        buffer.append(.stdout, ArraySlice("abc".utf8))
        #expect(buffer.snapshot().events == [.truncated(omittedBytes: 3)])
    }
}
