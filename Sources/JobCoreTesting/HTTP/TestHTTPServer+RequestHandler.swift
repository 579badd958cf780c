import Foundation
import NIOCore
import NIOHTTP1

extension TestHTTPServer {
    /// Collects one request at a time and answers it with the server's async handler.
    ///
    /// All its state is touched only on the channel's event loop; the handler task reports back
    /// through a promise whose callbacks run there.
    final class RequestHandler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let handler: Handler
        private var head: HTTPRequestHead?
        private var body = Data()
        private var running: Task<Void, Never>?

        init(handler: @escaping Handler) {
            self.handler = handler
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = Data()
            case .body(let buffer):
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                guard let head else { return }
                self.head = nil
                dispatch(head: head, body: body, context: context)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            running?.cancel()
            running = nil
            context.fireChannelInactive()
        }

        private func dispatch(head: HTTPRequestHead, body: Data, context: ChannelHandlerContext) {
            let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            var headers: [String: String] = [:]
            for (name, value) in head.headers {
                let key = name.lowercased()
                headers[key] = headers[key].map { "\($0), \(value)" } ?? value
            }
            let request = TestHTTPRequest(
                method: head.method.rawValue,
                path: String(parts[0]),
                query: parts.count > 1 ? String(parts[1]) : nil,
                headers: headers,
                body: body
            )
            let keepAlive = head.isKeepAlive
            let promise = context.eventLoop.makePromise(of: TestHTTPResponse.self)
            let handler = self.handler
            running = Task {
                do {
                    promise.succeed(try await handler(request))
                } catch {
                    promise.fail(error)
                }
            }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            promise.futureResult.whenComplete { result in
                let (this, context) = bound.value
                this.running = nil
                switch result {
                case .success(let response):
                    this.write(response, keepAlive: keepAlive, context: context)
                case .failure(let error) where error is CancellationError || !context.channel.isActive:
                    context.close(promise: nil)
                case .failure(let error):
                    let text = Data("test server handler failed: \(error)".utf8)
                    this.write(TestHTTPResponse(status: 500, body: text), keepAlive: false, context: context)
                }
            }
        }

        private func write(_ response: TestHTTPResponse, keepAlive: Bool, context: ChannelHandlerContext) {
            guard context.channel.isActive else { return }
            var headers = HTTPHeaders()
            for (name, value) in response.headers {
                headers.add(name: name, value: value)
            }
            headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
            if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            let head = HTTPResponseHead(
                version: .http1_1,
                status: HTTPResponseStatus(statusCode: response.status),
                headers: headers
            )
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            let done = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
            if !keepAlive {
                let channel = context.channel
                done.futureResult.whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }
}
