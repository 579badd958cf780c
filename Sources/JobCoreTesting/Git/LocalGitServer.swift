public import Foundation
public import JobCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real smart-HTTP Git server on 127.0.0.1 for tests, backed by `git http-backend`.
///
/// It serves every repository below ``root`` (e.g. `root/owner/repo.git` at
/// `http://127.0.0.1:PORT/owner/repo.git`), for fetch and push, optionally requiring HTTP Basic
/// authentication with a given token, and records every request it answers.
public final class LocalGitServer: Sendable {
    /// One request the server answered.
    public struct Request: Sendable, Equatable {
        public var method: String
        public var path: String
        public var query: String
        /// Whether the request carried the expected credentials.
        public var authorized: Bool
        /// The HTTP status of the answer.
        public var status: Int
        /// How long the server took to answer (until the last byte was handed to the connection).
        public var duration: Duration = .zero
    }

    /// The directory whose repositories are served.
    public let root: URL
    /// The TCP port on 127.0.0.1.
    public let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let recorder: Recorder

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The clone URL of a repository below the root, e.g. `url(for: "acme/widgets.git")`.
    public func url(for path: String) -> String { "\(baseURL)/\(path)" }

    /// Every request answered so far.
    public var requests: [Request] { recorder.requests }

    /// The number of requests answered so far.
    public var requestCount: Int { recorder.requests.count }

    /// Starts a server.
    /// - Parameters:
    ///   - root: the directory of repositories to serve.
    ///   - token: when set, every request needs HTTP Basic credentials whose password is this
    ///     token (any user name); others get 401.
    public static func start(root: URL, token: Secret? = nil) async throws -> LocalGitServer {
        guard let token else { return try await start(root: root, authorize: nil) }
        let expected = token.revealed()
        return try await start(root: root, authorize: { $0 == expected })
    }

    /// Starts a server that accepts a request when `authorize` accepts the password of its HTTP
    /// Basic credentials — e.g. a token a fake GitHub API issued for an installation.
    ///
    /// The server writes request bodies to `git http-backend`, which may exit before reading
    /// them, so starting one calls `ignoreSIGPIPE()` (JobCore) for the test process.
    /// - Parameters:
    ///   - root: the directory of repositories to serve.
    ///   - authorize: decides whether a token is accepted; `nil` serves everyone.
    public static func start(root: URL, authorize: (@Sendable (String) -> Bool)?) async throws -> LocalGitServer {
        ignoreSIGPIPE()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let recorder = Recorder()
        let backend = GitHTTPBackend(root: root, authorize: authorize, recorder: recorder)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(GitHTTPHandler(backend: backend))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            let port = channel.localAddress?.port ?? 0
            return LocalGitServer(root: root, port: port, channel: channel, group: group, recorder: recorder)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Runs `body` with a server, shutting it down afterwards.
    /// - Parameters:
    ///   - root: the directory of repositories to serve.
    ///   - token: when set, the token every request must carry (see ``start(root:token:)``).
    ///   - body: the test.
    public static func withServer<T>(
        root: URL, token: Secret? = nil, _ body: (LocalGitServer) async throws -> T
    ) async throws -> T {
        try await run(try await start(root: root, token: token), body)
    }

    /// Runs `body` with a server that accepts the tokens `authorize` accepts (for example those a
    /// ``FakeGitHubAPI`` issued), shutting it down afterwards.
    public static func withServer<T>(
        root: URL, authorize: @escaping @Sendable (String) -> Bool, _ body: (LocalGitServer) async throws -> T
    ) async throws -> T {
        try await run(try await start(root: root, authorize: authorize), body)
    }

    private static func run<T>(_ server: LocalGitServer, _ body: (LocalGitServer) async throws -> T) async throws -> T {
        do {
            let result = try await body(server)
            try await server.shutdown()
            return result
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    private init(root: URL, port: Int, channel: any Channel, group: MultiThreadedEventLoopGroup, recorder: Recorder) {
        self.root = root
        self.port = port
        self.channel = channel
        self.group = group
        self.recorder = recorder
    }

    /// Stops accepting connections and releases the event loop.
    public func shutdown() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }

    final class Recorder: Sendable {
        private let state = Mutex<[Request]>([])
        var requests: [Request] { state.withLock { $0 } }
        func record(_ request: Request) { state.withLock { $0.append(request) } }
    }
}
