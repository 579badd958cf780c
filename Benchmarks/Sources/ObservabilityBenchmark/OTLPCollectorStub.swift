import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The receiving end of OTLP/HTTP on 127.0.0.1: accepts `POST /v1/traces` (protobuf), counts
/// requests and bytes, and answers `200` with an empty `ExportTraceServiceResponse` — what a
/// collector does before it forwards anything. It lets the benchmark run swift-otel's exporter
/// for real (serialisation, HTTP, the batch processor's schedule) without a collector installed.
final class OTLPCollectorStub: Sendable {
    private let channel: any Channel
    private let received: Counts

    final class Counts: Sendable {
        let value = Mutex<(requests: Int, bytes: Int)>((0, 0))
    }

    /// Requests and body bytes received so far.
    var requests: (requests: Int, bytes: Int) { received.value.withLock { $0 } }

    /// The endpoint to configure as the OTLP traces endpoint.
    var endpoint: String { "http://127.0.0.1:\(channel.localAddress!.port!)/v1/traces" }

    init() async throws {
        let received = Counts()
        self.received = received
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(received: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func close() async throws { try await channel.close() }

    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let received: Counts

        init(received: Counts) { self.received = received }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head:
                break
            case .body(let buffer):
                received.value.withLock { $0.bytes += buffer.readableBytes }
            case .end:
                received.value.withLock { $0.requests += 1 }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/x-protobuf")
                headers.add(name: "Content-Length", value: "0")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
