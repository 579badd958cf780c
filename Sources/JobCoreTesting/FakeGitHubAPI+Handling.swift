import Crypto
import Foundation
import JobCore
import Synchronization
import _CryptoExtras

extension FakeGitHubAPI {
    func handle(_ request: TestHTTPRequest) async throws -> TestHTTPResponse {
        let installation = Self.installation(inPath: request.path)
        let claims = Self.unverifiedClaims(request.header("authorization"))
        let scope = Self.scope(request.body)
        var headers = request.headers
        headers["authorization"] = nil
        let record = RecordedRequest(
            method: request.method, path: request.path, installation: installation,
            issuer: claims?.issuer, issuedAt: claims?.issuedAt, expiresAt: claims?.expiresAt,
            repositories: scope?.repositories, repositoryIDs: scope?.repository_ids, permissions: scope?.permissions,
            headers: headers, status: nil
        )
        let (index, ready, delay) = state.withLock { state in
            state.requests.append(record)
            let count = state.requests.count
            let ready = state.requestWaiters.filter { $0.count <= count }.map(\.continuation)
            state.requestWaiters.removeAll { $0.count <= count }
            let delay = installation.flatMap { state.delays[$0] } ?? state.defaultDelay
            return (count - 1, ready, delay)
        }
        ready.forEach { $0.resume() }

        if let delay { try await Task.sleep(for: delay) }
        try await waitWhileHeld()

        let response = respond(to: request, installation: installation, scope: scope)
        state.withLock { $0.requests[index].status = response.status }
        return response
    }

    private func respond(to request: TestHTTPRequest, installation: String?, scope: Scope?) -> TestHTTPResponse {
        guard request.method == "POST", let installation else {
            return .json(404, ["message": "Not Found"])
        }
        if let refusal = verifyJWT(request.header("authorization")) {
            return .json(401, ["message": refusal])
        }
        let reply = state.withLock { $0.replies[installation] ?? $0.defaultReply }
        switch reply {
        case .issueToken:
            break
        case .status(let status, let message, let retryAfter):
            let headers = retryAfter.map { [(name: "Retry-After", value: String(Int($0.timeInterval.rounded(.up))))] } ?? []
            return .json(status, ["message": message], headers: headers)
        case .statusWithHeaders(let status, let message, let headers):
            return .json(status, ["message": message], headers: headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) })
        case .malformed(let body):
            return TestHTTPResponse(status: 201, headers: [("Content-Type", "application/json")], body: Data(body.utf8))
        }
        if !request.body.isEmpty && scope == nil {
            return .json(400, ["message": "Problems parsing JSON"])
        }
        let expiresAt = clock.now.adding(tokenLifetime)
        let token = IssuedToken(
            token: Self.randomToken(), installation: installation, expiresAt: expiresAt,
            repositories: scope?.repositories, permissions: scope?.permissions
        )
        let known = state.withLock { state -> Bool in
            guard state.installations.contains(installation) else { return false }
            state.issued.append(token)
            return true
        }
        guard known else { return .json(404, ["message": "Not Found"]) }
        var body: [String: Any] = [
            "token": token.token,
            "expires_at": ISO8601DateFormatter().string(from: expiresAt),
            "permissions": scope?.permissions ?? ["contents": "write", "metadata": "read"],
            "repository_selection": scope?.repositories == nil && scope?.repository_ids == nil ? "all" : "selected",
        ]
        // Like GitHub, a token scoped to repositories lists each one as a full repository
        // object (about 5.6 KB each: 500 repositories make a 2.8 MB answer).
        if let names = scope?.repositories {
            body["repositories"] = names.enumerated().map { Self.repositoryObject(id: $0.offset + 1, name: $0.element) }
        }
        return .json(201, body)
    }

    /// A repository object shaped like GitHub's (its URL fields make most of the size).
    package static func repositoryObject(id: Int, name: String) -> [String: Any] {
        let owner = "acme"
        let api = "https://api.github.com/repos/\(owner)/\(name)"
        var object: [String: Any] = [
            "id": id, "node_id": "R_kgDO\(String(repeating: "A", count: 8))\(id)", "name": name,
            "full_name": "\(owner)/\(name)", "private": true, "html_url": "https://github.com/\(owner)/\(name)",
            "description": "Repository \(name) of \(owner), a fixture of the fake GitHub API.",
            "fork": false, "url": api, "created_at": "2024-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z",
            "pushed_at": "2025-01-01T00:00:00Z", "git_url": "git://github.com/\(owner)/\(name).git",
            "ssh_url": "git@github.com:\(owner)/\(name).git", "clone_url": "https://github.com/\(owner)/\(name).git",
            "svn_url": "https://github.com/\(owner)/\(name)", "homepage": NSNull(), "size": 1024, "stargazers_count": 0,
            "watchers_count": 0, "language": "Swift", "has_issues": true, "has_projects": true, "has_downloads": true,
            "has_wiki": true, "has_pages": false, "has_discussions": false, "forks_count": 0, "archived": false,
            "disabled": false, "open_issues_count": 0, "license": NSNull(), "allow_forking": true, "is_template": false,
            "topics": [String](), "visibility": "private", "forks": 0, "open_issues": 0, "watchers": 0, "default_branch": "main",
            "permissions": ["admin": false, "maintain": false, "push": true, "triage": false, "pull": true],
        ]
        for field in ["forks", "keys", "collaborators", "teams", "hooks", "issue_events", "events", "assignees",
                      "branches", "tags", "blobs", "git_tags", "git_refs", "trees", "statuses", "languages",
                      "stargazers", "contributors", "subscribers", "subscription", "commits", "git_commits",
                      "comments", "issue_comment", "contents", "compare", "merges", "archive", "downloads",
                      "issues", "pulls", "milestones", "notifications", "labels", "releases", "deployments"] {
            object["\(field)_url"] = "\(api)/\(field){/sha}{?since,all,participating,ref}"
        }
        var ownerObject: [String: Any] = ["login": owner, "id": 1, "node_id": "O_kgDOAAAAAQ", "type": "Organization",
                                          "site_admin": false, "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4"]
        for field in ["html", "followers", "following", "gists", "starred", "subscriptions", "organizations",
                      "repos", "events", "received_events"] {
            ownerObject["\(field)_url"] = "https://api.github.com/users/\(owner)/\(field){/other_user}{/gist_id}"
        }
        object["owner"] = ownerObject
        return object
    }

    private func waitWhileHeld() async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Action { case go, cancel, wait }
                let action = state.withLock { state -> Action in
                    if Task.isCancelled { return .cancel }
                    guard state.held else { return .go }
                    state.heldWaiters[id] = continuation
                    return .wait
                }
                switch action {
                case .go: continuation.resume()
                case .cancel: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { $0.heldWaiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    // MARK: JWT

    struct Claims {
        var issuer: String?
        var issuedAt: Date?
        var expiresAt: Date?
    }

    /// Returns why the JWT is refused (GitHub's wording where known), or `nil` when it is valid.
    private func verifyJWT(_ authorization: String?) -> String? {
        let undecodable = "A JSON web token could not be decoded"
        guard let authorization, authorization.hasPrefix("Bearer ") else { return undecodable }
        let parts = authorization.dropFirst("Bearer ".count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerData = Self.base64URLDecode(parts[0]),
            let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
            header["alg"] as? String == "RS256",
            let signature = Self.base64URLDecode(parts[2])
        else { return undecodable }
        let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
        let valid = keyPair.publicKey.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature),
            for: SHA256.hash(data: signingInput),
            padding: .insecurePKCS1v1_5
        )
        guard valid, let claims = Self.unverifiedClaims(authorization) else { return undecodable }
        let now = clock.now
        guard claims.issuer == appID else {
            return "'Issuer' claim ('iss') does not name this app (expected \(appID))"
        }
        guard let issuedAt = claims.issuedAt, issuedAt <= now else {
            return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
        }
        guard let expiresAt = claims.expiresAt, expiresAt > now else {
            return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
        }
        guard expiresAt <= now.addingTimeInterval(600) else {
            return "'Expiration time' claim ('exp') is too far in the future"
        }
        return nil
    }

    static func unverifiedClaims(_ authorization: String?) -> Claims? {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return nil }
        let parts = authorization.dropFirst("Bearer ".count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = base64URLDecode(parts[1]),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        func date(_ key: String) -> Date? {
            (object[key] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue) }
        }
        let issuer: String?
        switch object["iss"] {
        case let text as String: issuer = text
        case let number as NSNumber: issuer = number.stringValue
        default: issuer = nil
        }
        return Claims(issuer: issuer, issuedAt: date("iat"), expiresAt: date("exp"))
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    // MARK: Request parts

    struct Scope: Decodable {
        var repositories: [String]?
        var repository_ids: [Int]?
        var permissions: [String: String]?
    }

    static func scope(_ body: Data) -> Scope? {
        body.isEmpty ? nil : try? JSONDecoder().decode(Scope.self, from: body)
    }

    static func installation(inPath path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count == 4, parts[0] == "app", parts[1] == "installations", parts[3] == "access_tokens",
            !parts[2].isEmpty, parts[2].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        return String(parts[2])
    }

    static func randomToken() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return "ghs_" + String((0..<36).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
