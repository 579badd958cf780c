public import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A request received by a ``TestHTTPServer``.
public struct TestHTTPRequest: Sendable {
    /// The method, such as `POST`.
    public var method: String
    /// The path, without the query.
    public var path: String
    /// The query string after `?`, if any.
    public var query: String?
    /// Header values by lower-cased name; repeated headers are joined with `, `.
    public var headers: [String: String]
    /// The body.
    public var body: Data

    /// The value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A response for a ``TestHTTPServer`` to send.
public struct TestHTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Headers to send; `Content-Length` is added.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a JSON body.
    public static func json(_ status: Int, _ object: Any, headers: [(name: String, value: String)] = []) -> Self {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Self(status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers, body: data)
    }
}

/// A small HTTP/1.1 server on 127.0.0.1 for tests, answering each request with an async handler.
///
/// The handler runs in its own task; when the client disconnects or the server shuts down, that
/// task is cancelled, so a handler that waits (a delay, a gate) stops waiting.
public final class TestHTTPServer: Sendable {
    /// Answers one request.
    public typealias Handler = @Sendable (TestHTTPRequest) async throws -> TestHTTPResponse

    private let channel: any Channel
    private let children: ChildRegistry

    /// The port the server listens on.
    public let port: Int

    /// `http://127.0.0.1:PORT`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private init(channel: any Channel, port: Int, children: ChildRegistry) {
        self.channel = channel
        self.port = port
        self.children = children
    }

    /// Starts a server on 127.0.0.1 and a free port.
    /// - Parameter handler: answers each request; a thrown error is answered with status 500.
    /// - Returns: the running server; call ``shutdown()`` when done.
    /// - Throws: when the socket cannot be bound.
    public static func start(handler: @escaping Handler) async throws -> TestHTTPServer {
        let registry = ChildRegistry()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                registry.add(child)
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    try child.pipeline.syncOperations.addHandler(RequestHandler(handler: handler))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw ChannelError.unknownLocalAddress
        }
        return TestHTTPServer(channel: channel, port: port, children: registry)
    }

    /// Stops accepting, closes every open connection (cancelling running handlers), and waits.
    public func shutdown() async throws {
        try? await channel.close()
        let open = children.channels.withLock { Array($0.values) }
        for child in open {
            try? await child.close()
        }
    }

    /// Tracks open connections, so that shutdown can close them.
    private final class ChildRegistry: Sendable {
        let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

        func add(_ child: any Channel) {
            let id = ObjectIdentifier(child)
            channels.withLock { $0[id] = child }
            child.closeFuture.whenComplete { [self] _ in
                _ = channels.withLock { $0.removeValue(forKey: id) }
            }
        }
    }
}

/// Runs `body` with a started ``TestHTTPServer`` and shuts it down afterwards, also on errors.
/// - Parameters:
///   - handler: answers each request.
///   - body: the test.
/// - Returns: what `body` returns.
/// - Throws: what `body` throws, or when the server cannot start.
public func withTestHTTPServer<Result: Sendable>(
    handler: @escaping TestHTTPServer.Handler,
    _ body: (TestHTTPServer) async throws -> Result
) async throws -> Result {
    let server = try await TestHTTPServer.start(handler: handler)
    do {
        let result = try await body(server)
        try await server.shutdown()
        return result
    } catch {
        try? await server.shutdown()
        throw error
    }
}
