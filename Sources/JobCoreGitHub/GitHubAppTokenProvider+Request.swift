import AsyncHTTPClient
import Foundation
import JobCore
import Logging
import NIOCore
import NIOHTTP1

extension GitHubAppTokenProvider {
    /// `POST {api}/app/installations/{id}/access_tokens`, mapped to a token or a `TokenError`.
    func requestToken(installation: String) async throws -> AccessToken {
        var logger = self.logger
        logger[metadataKey: "github.installation"] = .string(installation)
        let url = Self.endpoint(base: configuration.apiBaseURL, installation: installation)
        // What logs and errors show: never the URL's user or password.
        let shownURL = Self.redactingCredentials(url)
        let jwt = try self.jwt.make(now: clock.now)

        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Accept", value: "application/vnd.github+json")
        request.headers.add(name: "X-GitHub-Api-Version", value: "2022-11-28")
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Authorization", value: "Bearer \(jwt.revealed())")
        if let body = try scopeBody() {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }

        logger.debug("requesting installation token", metadata: ["github.url": "\(shownURL)"])
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let body: ByteBuffer
        do {
            let timeout = TimeAmount.nanoseconds(Int64(configuration.requestTimeout.timeInterval * 1e9))
            let response = try await httpClient.execute(request, timeout: timeout, logger: logger)
            status = response.status
            headers = response.headers
            body = try await response.body.collect(upTo: configuration.maximumResponseSize)
        } catch is NIOTooManyBytesError {
            let failure = TokenError(
                .malformedResponse,
                "cannot get an installation token for installation \(installation) from \(shownURL): response too large (over \(configuration.maximumResponseSize) bytes; raise maximumResponseSize)",
                tenant: installation
            )
            logger.debug("installation token request failed", metadata: ["error": "\(failure)"])
            throw failure
        } catch {
            if Task.isCancelled { throw CancellationError() }
            let failure = TokenError(
                .network,
                "cannot get an installation token for installation \(installation) from \(shownURL): \(Self.networkReason(error, timeout: configuration.requestTimeout))",
                tenant: installation
            )
            logger.debug("installation token request failed", metadata: ["error": "\(failure)"])
            throw failure
        }

        do {
            let token = try interpret(status: status, headers: headers, body: body, installation: installation, jwt: jwt)
            logger.debug(
                "installation token issued",
                metadata: ["token.expiresAt": "\(token.expiresAt.map { "\($0)" } ?? "never")"]
            )
            return token
        } catch {
            logger.debug("installation token request failed", metadata: ["error": "\(error)"])
            throw error
        }
    }

    private func interpret(
        status: HTTPResponseStatus,
        headers: HTTPHeaders,
        body: ByteBuffer,
        installation: String,
        jwt: Secret
    ) throws -> AccessToken {
        let code = Int(status.code)
        let app = configuration.appID
        let detail = Self.githubMessage(body, redacting: jwt).map { "HTTP \(code): \($0)" } ?? "HTTP \(code)"
        func error(_ kind: TokenError.Code, _ message: String, retryAfter: Duration? = nil) -> TokenError {
            TokenError(kind, message, tenant: installation, httpStatus: code, retryAfter: retryAfter)
        }
        switch code {
        case 200, 201:
            return try decodeToken(body, installation: installation, status: code)
        case 401:
            throw error(
                .jwtRejected,
                "GitHub refused the JWT of app \(app) (\(detail)): check that the app id is right, that the private key (\(configuration.privateKey.source)) belongs to that app, and that this machine's clock is correct"
            )
        case 404:
            throw error(
                .installationNotFound,
                "installation \(installation) was not found for app \(app) (\(detail)): the app is not installed there or the id is wrong"
            )
        case 403, 429:
            let retryAfter = Self.retryAfter(headers, now: clock.now)
            // GitHub's documented rule: a 429, a wait in the headers, or a 403 whose message
            // names a (secondary) rate limit is rate limiting, never a refused credential. With
            // no wait named, the provider waits at least a minute, doubling while it repeats.
            if code == 429 || retryAfter != nil || Self.isRateLimitMessage(detail) || headers.first(name: "x-ratelimit-remaining") == "0" {
                let wait = retryAfter.map { ", retry after \(Self.format($0))" } ?? ""
                throw error(
                    .rateLimited,
                    "GitHub rate-limited app \(app) while requesting a token for installation \(installation) (\(detail))\(wait)",
                    retryAfter: retryAfter
                )
            }
            throw error(
                .forbidden,
                "GitHub refused a token for installation \(installation) of app \(app) (\(detail)): the installation may be suspended, or the requested repositories or permissions exceed what it grants"
            )
        case 500...599:
            throw error(.server, "GitHub failed to issue a token for installation \(installation) (\(detail))")
        default:
            throw error(.requestRejected, "GitHub rejected the token request for installation \(installation) (\(detail))")
        }
    }

    private struct TokenResponse: Decodable {
        var token: String?
        var expires_at: String?
    }

    private func decodeToken(_ body: ByteBuffer, installation: String, status: Int) throws -> AccessToken {
        func malformed(_ what: String) -> TokenError {
            TokenError(
                .malformedResponse,
                "GitHub answered HTTP \(status) for installation \(installation) but \(what)",
                tenant: installation,
                httpStatus: status
            )
        }
        guard let response = try? JSONDecoder().decode(TokenResponse.self, from: Data(body.readableBytesView)) else {
            throw malformed("the body is not a JSON object")
        }
        guard let token = response.token, !token.isEmpty else { throw malformed("the body has no `token`") }
        guard let expiresText = response.expires_at else { throw malformed("the body has no `expires_at`") }
        guard let expiresAt = Self.parseISO8601(expiresText) else {
            throw malformed("`expires_at` is not an ISO-8601 time")
        }
        return AccessToken(secret: Secret(token), expiresAt: expiresAt)
    }

    private func scopeBody() throws -> [UInt8]? {
        struct Scope: Encodable {
            var repositories: [String]?
            var repository_ids: [Int]?
            var permissions: [String: String]?
        }
        let scope = Scope(
            repositories: configuration.repositories,
            repository_ids: configuration.repositoryIDs,
            permissions: configuration.permissions
        )
        guard scope.repositories != nil || scope.repository_ids != nil || scope.permissions != nil else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array(try encoder.encode(scope))
    }

    /// `url` without its user and password (replaced by `redacted`), for logs and errors.
    static func redactingCredentials(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.user != nil || components.password != nil else { return url }
        components.percentEncodedUser = "redacted"
        components.percentEncodedPassword = nil
        return components.string ?? "<a URL with credentials>"
    }

    static func endpoint(base: URL, installation: String) -> String {
        var root = base.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        return "\(root)/app/installations/\(installation)/access_tokens"
    }

    /// GitHub's `message` from an error body, shortened, on one line, with the JWT redacted.
    static func githubMessage(_ body: ByteBuffer, redacting jwt: Secret) -> String? {
        struct ErrorBody: Decodable { var message: String? }
        guard let decoded = try? JSONDecoder().decode(ErrorBody.self, from: Data(body.readableBytesView)),
            let message = decoded.message, !message.isEmpty
        else { return nil }
        let oneLine = jwt.redact(message).split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count > 200 ? String(oneLine.prefix(200)) + "…" : oneLine
    }

    /// The wait GitHub asks for: `Retry-After` (seconds or HTTP date), or the primary rate limit's
    /// reset time when `x-ratelimit-remaining` is 0.
    static func retryAfter(_ headers: HTTPHeaders, now: Date) -> Duration? {
        if let value = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Int(value), seconds >= 0 { return .seconds(seconds) }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            if let date = formatter.date(from: value) {
                return .seconds(max(0, date.timeIntervalSince(now).rounded(.up)))
            }
        }
        if headers.first(name: "x-ratelimit-remaining") == "0",
            let reset = headers.first(name: "x-ratelimit-reset").flatMap(TimeInterval.init)
        {
            return .seconds(max(0, (reset - now.timeIntervalSince1970).rounded(.up)))
        }
        return nil
    }

    /// Whether GitHub's message names a rate limit ("You have exceeded a secondary rate limit",
    /// "API rate limit exceeded for installation").
    static func isRateLimitMessage(_ message: String) -> Bool {
        let lowered = message.lowercased()
        return lowered.contains("rate limit")
    }

    static func parseISO8601(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    private static func networkReason(_ error: any Error, timeout: Duration) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return "no answer within \(format(timeout))"
            default:
                return "\(error)"
            }
        }
        let text = "\(error)"
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}
