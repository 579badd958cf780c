import Foundation
import HTTPTypes
import Hummingbird
import JobCore

extension JobCoreAPI {
    /// Checks the request's Bearer token: valid (401 otherwise) and with at least `scope` (403
    /// otherwise). Returns its record.
    static func authorize(_ request: Request, scope: AccessScope, tokens: any AccessTokenStore) async throws -> AccessTokenRecord {
        guard let header = request.headers[.authorization] else {
            throw unauthorized("this route needs an access token: Authorization: Bearer jct_… (jobctl tokens create)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw unauthorized("the Authorization header must be Bearer followed by an access token")
        }
        guard let record = try await AccessTokens.authenticate(parts[1].trimmingCharacters(in: .whitespaces), in: tokens) else {
            throw unauthorized("the access token is not valid (unknown, revoked or malformed)")
        }
        guard record.scope >= scope else {
            throw APIError(
                .forbidden, code: "forbidden", "the access token '\(record.name)' has the scope \(record.scope); this route needs \(scope)",
                headers: [.wwwAuthenticate: "Bearer realm=\"jobcore\", error=\"insufficient_scope\", scope=\"\(scope)\""]
            )
        }
        return record
    }

    private static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", message, headers: [.wwwAuthenticate: "Bearer realm=\"jobcore\""])
    }
}
