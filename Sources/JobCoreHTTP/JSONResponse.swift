import Foundation
import HTTPTypes
import Hummingbird
import JobCoreJSON

/// Responses with a JSON document, encoded exactly as `jobctl --json` prints it.
enum JSONResponse {
    /// `value` as the response body, followed by a line break like jobctl's output.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = headers[.cacheControl] ?? "no-store"
        let data = try JobJSON.encoder().encode(value) + Data("\n".utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
