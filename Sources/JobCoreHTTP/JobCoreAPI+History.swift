import Foundation
import HTTPTypes
import Hummingbird
import JobCore
import JobCoreJSON

extension JobCoreAPI {
    /// `GET /v1/jobs/{id}/runs`: the job's runs, oldest first (the `runs` of `jobctl show --json`).
    @Sendable func listRuns(_ request: Request, _ context: RouteContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let runs = try await store.runs(of: try context.jobID())
        return try JSONResponse.make(runs.map(RunView.init))
    }

    /// `GET /v1/jobs/{id}/events[?after=SEQ][&limit=N]`: the job's events after a sequence number,
    /// oldest first, as `jobctl events --json` prints them.
    @Sendable func listEvents(_ request: Request, _ context: RouteContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["after", "limit"])
        let id = try context.jobID()
        let after = try query.string("after").map { text -> Int64 in
            guard let sequence = Int64(text), sequence >= 0 else { throw APIError.invalid("'after' must be an event sequence number (0 or more)") }
            return sequence
        }
        let limit = try query.integer("limit", in: 1...configuration.maxEvents) ?? configuration.maxEvents
        let events = try await store.events(of: id, after: after, limit: limit)
        return try JSONResponse.make(events.map(EventView.init))
    }

    /// `GET /v1/jobs/{id}/logs`: the job's output bytes from an offset: `Range: bytes=N-` or
    /// `bytes=N-M` (206 with `Content-Range`; 416 past the end), or `?offset=&maxBytes=`.
    /// The headers `Job-Log-Size`, `Job-Log-Next-Offset` and `Job-Log-Truncated` tell where to
    /// continue.
    @Sendable func readLog(_ request: Request, _ context: RouteContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["offset", "maxBytes"])
        let id = try context.jobID()
        var offset = try query.integer("offset", in: 0...Int(Int32.max)) ?? 0
        var maxBytes = try query.integer("maxBytes", in: 1...configuration.maxLogBytes) ?? configuration.maxLogBytes
        let range = try request.headers[.range].map(ByteRange.init(header:))
        if let range {
            guard query.all("offset").isEmpty, query.all("maxBytes").isEmpty else {
                throw APIError.invalid("give a Range header or offset/maxBytes, not both")
            }
            offset = range.start
            if let end = range.end { maxBytes = min(end - range.start + 1, configuration.maxLogBytes) }
        }
        let chunk = try await store.readLog(id, from: offset, maxBytes: maxBytes)
        var headers: HTTPFields = [
            .contentType: "application/octet-stream",
            .cacheControl: "no-store",
            .acceptRanges: "bytes",
            Self.logSize: "\(chunk.size)",
            Self.logNextOffset: "\(chunk.nextOffset)",
            Self.logTruncated: chunk.truncated ? "true" : "false",
        ]
        guard range != nil else {
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: chunk.data)))
        }
        guard offset < chunk.size || (offset == 0 && chunk.size == 0) else {
            headers[.contentRange] = "bytes */\(chunk.size)"
            throw APIError(.rangeNotSatisfiable, code: "rangeNotSatisfiable", "the log has \(chunk.size) bytes", headers: headers)
        }
        if chunk.data.isEmpty {
            // An empty log: nothing to give a range of.
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer()))
        }
        headers[.contentRange] = "bytes \(offset)-\(chunk.nextOffset - 1)/\(chunk.size)"
        return Response(status: .partialContent, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: chunk.data)))
    }

    static let logSize = HTTPField.Name("Job-Log-Size")!
    static let logNextOffset = HTTPField.Name("Job-Log-Next-Offset")!
    static let logTruncated = HTTPField.Name("Job-Log-Truncated")!
}

/// One range of a `Range: bytes=START-[END]` header (the one form a log reader needs).
struct ByteRange: Equatable {
    var start: Int
    var end: Int?

    init(header: String) throws {
        let invalid = APIError.invalid("Range must be bytes=START- or bytes=START-END (one range, START ≤ END)")
        guard header.hasPrefix("bytes="), !header.contains(",") else { throw invalid }
        let parts = header.dropFirst("bytes=".count).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int(parts[0].trimmingCharacters(in: .whitespaces)), start >= 0, start <= Int(Int32.max) else {
            throw invalid
        }
        self.start = start
        let endText = parts[1].trimmingCharacters(in: .whitespaces)
        if endText.isEmpty {
            end = nil
        } else {
            guard let end = Int(endText), end >= start else { throw invalid }
            self.end = end
        }
    }
}
