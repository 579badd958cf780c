import Foundation
import HTTPTypes
import Hummingbird
import JobCore
import JobCoreJSON
import NIOCore
import ServiceLifecycle

extension JobCoreAPI {
    /// `GET /v1/jobs/{id}/events/stream`: the job's events as Server-Sent Events, the ones
    /// already recorded first, then each new one as the store records it. A message is
    /// `id: SEQUENCE`, `event: event`, `data: EVENT` (the event's JSON on one line). Once the job
    /// has ended and every event was sent, `event: end` with `{"state": …}`, and the stream
    /// closes. `Last-Event-ID` (or `?after=` for a first connection) starts after that sequence.
    @Sendable func streamEvents(_ request: Request, _ context: RouteContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["after"])
        let id = try context.jobID()
        let start = try Self.resumePoint(request, query: query, name: "after")
        _ = try await store.job(id)  // 404 before the stream starts
        let store = store
        let configuration = configuration
        return Self.eventStream(configuration: configuration) { send in
            var after = start
            while true {
                // The state first: events read after it include every event of an ended job.
                let state = try await store.job(id).state
                let events = try await store.events(of: id, after: after, limit: Self.streamBatch)
                for event in events {
                    try await send(ServerSentEvent(id: "\(event.sequence)", event: "event", data: try Self.line(EventView(event))))
                    after = event.sequence
                }
                if events.count == Self.streamBatch { continue }
                if events.isEmpty, state.isTerminal {
                    try await send(ServerSentEvent(event: "end", data: try Self.line(StreamEnd(state: state))))
                    return
                }
                guard try await send.pause() else { return }
            }
        }
    }

    /// `GET /v1/jobs/{id}/logs/stream`: the job's output as Server-Sent Events, from the start
    /// (or from `Last-Event-ID`/`?offset=`, a byte offset) and then as it grows. A message is
    /// `id: NEXT-OFFSET`, `event: log`, `data: {"offset": START, "text": …}`; a chunk ends on a
    /// whole UTF-8 character while the job runs (bytes that are not UTF-8 arrive as U+FFFD).
    /// Once the job has ended and every byte was sent, `event: end`, and the stream closes.
    @Sendable func streamLog(_ request: Request, _ context: RouteContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["offset"])
        let id = try context.jobID()
        let start = try Self.resumePoint(request, query: query, name: "offset").map { offset -> Int in
            guard offset <= Int64(Int32.max) else { throw APIError.invalid("the log offset must be at most \(Int32.max)") }
            return Int(offset)
        } ?? 0
        _ = try await store.job(id)
        let store = store
        let configuration = configuration
        return Self.eventStream(configuration: configuration) { send in
            var offset = start
            while true {
                let state = try await store.job(id).state
                let chunk = try await store.readLog(id, from: offset, maxBytes: Self.streamLogBytes)
                let ended = state.isTerminal && chunk.nextOffset >= chunk.size
                let whole = ended ? chunk.data.count : UTF8Boundary.prefixLength(of: chunk.data)
                if whole > 0 {
                    let text = String(decoding: chunk.data.prefix(whole), as: UTF8.self)
                    let next = chunk.offset + whole
                    try await send(ServerSentEvent(id: "\(next)", event: "log", data: try Self.line(LogText(offset: chunk.offset, text: text))))
                    offset = next
                    if next < chunk.size { continue }
                }
                if ended, offset >= chunk.size {
                    try await send(ServerSentEvent(event: "end", data: try Self.line(StreamEnd(state: state))))
                    return
                }
                guard try await send.pause() else { return }
            }
        }
    }

    /// Events of one store read at most.
    static let streamBatch = 500
    /// Log bytes of one message at most.
    static let streamLogBytes = 64 * 1024

    /// Where a stream resumes: `Last-Event-ID` (a reconnecting client) before the query's `name`.
    static func resumePoint(_ request: Request, query: QueryParameters, name: String) throws -> Int64? {
        if let header = request.headers[.lastEventID] {
            guard let value = Int64(header.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw APIError.invalid("Last-Event-ID must be a number this stream sent (0 or more)")
            }
            return value
        }
        guard let text = try query.string(name) else { return nil }
        guard let value = Int64(text), value >= 0 else { throw APIError.invalid("'\(name)' must be a number (0 or more)") }
        return value
    }

    /// A `text/event-stream` response whose messages `produce` sends. Between store reads it
    /// waits ``Configuration/streamPollInterval``, sends a comment when nothing was sent for
    /// ``Configuration/streamKeepAlive``, and ends (without `end`: a client reconnects) when the
    /// server shuts down gracefully.
    static func eventStream(
        configuration: Configuration, _ produce: @escaping @Sendable (EventStreamSender) async throws -> Void
    ) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-store",
            // Proxies such as nginx buffer responses unless told not to.
            HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let sender = EventStreamSender(writer: writer, configuration: configuration)
            try await produce(sender)
            try await sender.finish()
        })
    }

    /// An encoder of one-line JSON documents, for `data:` fields.
    static func line(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// The `data` of a stream's last message.
struct StreamEnd: Encodable {
    var state: JobState
}

/// The `data` of a log stream's message.
struct LogText: Encodable {
    var offset: Int
    var text: String
}

/// One message of a `text/event-stream`.
struct ServerSentEvent: Sendable {
    var id: String?
    var event: String
    /// One line (JSON without line breaks).
    var data: String

    init(id: String? = nil, event: String, data: String) {
        self.id = id
        self.event = event
        self.data = data
    }

    var text: String {
        var text = ""
        if let id { text += "id: \(id)\n" }
        text += "event: \(event)\ndata: \(data)\n\n"
        return text
    }
}

/// Writes the messages of one stream, and waits between store reads.
final class EventStreamSender: @unchecked Sendable {
    // Used by the one task that writes the response body, one call at a time.
    private var writer: any ResponseBodyWriter
    private let configuration: JobCoreAPI.Configuration
    private var lastWrite: ContinuousClock.Instant

    init(writer: any ResponseBodyWriter, configuration: JobCoreAPI.Configuration) {
        self.writer = writer
        self.configuration = configuration
        lastWrite = .now
    }

    /// Sends one message.
    func callAsFunction(_ message: ServerSentEvent) async throws {
        try await writer.write(ByteBuffer(string: message.text))
        lastWrite = .now
    }

    /// Waits before the next store read, sending a keep-alive comment when due. Returns `false`
    /// when the stream should end: the server is shutting down or the task was cancelled.
    func pause() async throws -> Bool {
        if Task.isShuttingDownGracefully || Task.isCancelled { return false }
        try? await Task.sleep(for: configuration.streamPollInterval)
        if Task.isShuttingDownGracefully || Task.isCancelled { return false }
        if ContinuousClock.now - lastWrite >= configuration.streamKeepAlive {
            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
            lastWrite = .now
        }
        return true
    }

    func finish() async throws {
        try await writer.finish(nil)
    }
}

/// Where a run of bytes stops being whole UTF-8 characters.
enum UTF8Boundary {
    /// The length of the longest prefix of `data` that does not end inside a UTF-8 character:
    /// all of it, unless its last one to three bytes start a character that continues past it.
    static func prefixLength(of data: Data) -> Int {
        let bytes = [UInt8](data.suffix(4))
        let base = data.count - bytes.count
        // Find the last byte that starts a character (not 10xxxxxx), looking back at most 3.
        var index = bytes.count - 1
        while index >= 0, bytes.count - index <= 4, bytes[index] & 0xC0 == 0x80 { index -= 1 }
        guard index >= 0 else { return data.count }  // only continuation bytes: not UTF-8, send as is
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        let available = bytes.count - index
        return available >= length ? data.count : base + index
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
