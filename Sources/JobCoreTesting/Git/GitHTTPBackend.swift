import Foundation
import JobCore
import NIOCore
import NIOHTTP1

/// Runs `git http-backend` as a CGI program for one request and streams its answer back.
struct GitHTTPBackend: Sendable {
    let root: URL
    let authorize: (@Sendable (String) -> Bool)?
    let recorder: LocalGitServer.Recorder

    /// Where git keeps its helper programs (`git --exec-path`).
    static let execPath: String = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "--exec-path"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try? process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    func authorized(_ head: HTTPRequestHead) -> Bool {
        guard let authorize else { return true }
        guard let header = head.headers.first(name: "authorization"), header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
              let colon = decoded.firstIndex(of: ":")
        else { return false }
        return authorize(String(decoded[decoded.index(after: colon)...]))
    }

    /// Answers one request on a dedicated thread; writes go through the channel's event loop.
    func respond(to head: HTTPRequestHead, body: ByteBuffer, channel: any Channel) {
        let components = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = components.first.map(String.init)?.removingPercentEncoding ?? head.uri
        let query = components.count > 1 ? String(components[1]) : ""
        guard authorized(head) else {
            recorder.record(.init(method: head.method.rawValue, path: path, query: query, authorized: false, status: 401))
            var headers = HTTPHeaders()
            headers.add(name: "WWW-Authenticate", value: "Basic realm=\"git\"")
            headers.add(name: "Content-Length", value: "0")
            channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: head.version, status: .unauthorized, headers: headers)), promise: nil)
            channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
            return
        }
        let thread = Thread {
            let start = ContinuousClock.now
            let status = runCGI(head: head, path: path, query: query, body: body, channel: channel)
            recorder.record(.init(method: head.method.rawValue, path: path, query: query, authorized: true, status: status,
                                  duration: ContinuousClock.now - start))
        }
        thread.name = "LocalGitServer.cgi"
        thread.start()
    }

    private func runCGI(head: HTTPRequestHead, path: String, query: String, body: ByteBuffer, channel: any Channel) -> Int {
        var environment = [
            "GIT_PROJECT_ROOT": root.path,
            "GIT_HTTP_EXPORT_ALL": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": "http.receivepack", "GIT_CONFIG_VALUE_0": "true",
            "GIT_CONFIG_KEY_1": "uploadpack.allowFilter", "GIT_CONFIG_VALUE_1": "true",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "REQUEST_METHOD": head.method.rawValue,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_USER": "test",
            "CONTENT_LENGTH": "\(body.readableBytes)",
        ]
        if let type = head.headers.first(name: "content-type") { environment["CONTENT_TYPE"] = type }
        if let encoding = head.headers.first(name: "content-encoding") { environment["HTTP_CONTENT_ENCODING"] = encoding }
        if let proto = head.headers.first(name: "git-protocol") { environment["GIT_PROTOCOL"] = proto }

        let program = URL(fileURLWithPath: Self.execPath).appendingPathComponent("git-http-backend").path
        guard let child = CGIProcess(program: program, environment: environment) else {
            return send(status: .internalServerError, to: channel, version: head.version)
        }
        let bodyData = Data(body.readableBytesView)
        let writer = Thread {
            try? child.input.write(contentsOf: bodyData)
            try? child.input.close()
        }
        writer.start()
        let status = stream(child.output, to: channel, version: head.version)
        child.wait()
        return status
    }

    /// Reads CGI output: headers up to a blank line, then the body, sent as it arrives.
    private func stream(_ handle: FileHandle, to channel: any Channel, version: HTTPVersion) -> Int {
        var pending = Data()
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            guard let chunk = try? handle.read(upToCount: 65_536), !chunk.isEmpty else { break }
            pending.append(chunk)
            headerEnd = pending.range(of: Data("\r\n\r\n".utf8)) ?? pending.range(of: Data("\n\n".utf8))
        }
        guard let headerEnd else { return send(status: .internalServerError, to: channel, version: version) }
        var status = HTTPResponseStatus.ok
        var headers = HTTPHeaders()
        let headerText = String(decoding: pending[..<headerEnd.lowerBound], as: UTF8.self)
        for line in headerText.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name.lowercased() == "status" {
                status = HTTPResponseStatus(statusCode: Int(value.prefix(3)) ?? 500)
            } else {
                headers.add(name: name, value: value)
            }
        }
        channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: status, headers: headers)), promise: nil)
        var rest = pending[headerEnd.upperBound...]
        while true {
            if !rest.isEmpty {
                channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: rest))), promise: nil)
            }
            guard let chunk = try? handle.read(upToCount: 262_144), !chunk.isEmpty else { break }
            rest = chunk[...]
        }
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        return Int(status.code)
    }

    private func send(status: HTTPResponseStatus, to channel: any Channel, version: HTTPVersion) -> Int {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "0")
        channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: status, headers: headers)), promise: nil)
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        return Int(status.code)
    }
}

/// Collects one request (head and body, already de-chunked by NIO) and hands it to the backend.
final class GitHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let backend: GitHTTPBackend
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(backend: GitHTTPBackend) {
        self.backend = backend
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            self.head = nil
            backend.respond(to: head, body: body, channel: context.channel)
            body = ByteBuffer()
        }
    }
}

/// A CGI program started with `posix_spawn`: standard input and output are pipes, standard error
/// is discarded, and every other descriptor of this process is closed in the child. Foundation's
/// `Process` is not used: on Linux, launching from many threads at once crashed it.
final class CGIProcess: Sendable {
    let pid: pid_t
    /// Writes the request body (close it at the end).
    let input: FileHandle
    /// Reads the program's answer.
    let output: FileHandle

    /// Starts `program` with exactly `environment`; `nil` when it cannot be started.
    init?(program: String, environment: [String: String]) {
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1]
        guard pipe(&inPipe) == 0 else { return nil }
        guard pipe(&outPipe) == 0 else {
            close(inPipe[0]); close(inPipe[1])
            return nil
        }
        // Not inherited by other programs this process starts (dup2 below clears it in this child).
        for fd in inPipe + outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [program]
        let variables = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let result = Self.withCStrings(arguments) { argv in
            Self.withCStrings(variables) { envp in posix_spawn(&pid, program, &actions, nil, argv, envp) }
        }
        close(inPipe[0])
        close(outPipe[1])
        guard result == 0 else {
            close(inPipe[1]); close(outPipe[0])
            return nil
        }
        self.pid = pid
        input = FileHandle(fileDescriptor: inPipe[1], closeOnDealloc: false)
        output = FileHandle(fileDescriptor: outPipe[0], closeOnDealloc: true)
    }

    /// Waits for the program to exit (blocking: call it on the request's own thread).
    func wait() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
    }

    private static func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
