import Foundation
import HTTPTypes
import Hummingbird
import JobCore
import NIOCore

/// The dashboard of the control plane: server-rendered pages at `/` (queue health, the workers
/// with a button to drain each, and jobs by state) and `/jobs/{id}` (a job's record, runs, event timeline and live log, with buttons to
/// cancel, kill, retry and purge), and their scripts and style under `/dashboard/…`.
///
/// The pages are shells that hold no data: a navigation carries no `Authorization` header, so
/// they are served without a token. Their scripts ask for a token once, keep it in the browser's
/// session storage only, and fill the pages from the `/v1` API with it (the live streams are read
/// with `fetch()`, since `EventSource` cannot send a header). Every answer carries a strict
/// Content-Security-Policy (scripts and styles from the server's own files only, no framing) and
/// the other security headers of ``securityHeaders``.
///
/// Its routes are not part of the API's contract (``JobCoreAPI/endpoints``, the OpenAPI
/// document): ``JobCoreAPI/addRoutes(to:)`` adds them when ``JobCoreAPI/Configuration/dashboard``
/// is on.
struct Dashboard: Sendable {
    /// Adds the pages and the assets to a router or a router group.
    func addRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        router.get("/") { request, _ in Self.listPage(request) }
        router.get("/jobs/:id") { request, context in Self.jobPage(request, id: context.parameters.get("id") ?? "") }
        router.get("/dashboard/:file") { request, context in Self.asset(request, name: context.parameters.get("file") ?? "") }
    }

    /// Headers of every answer of the dashboard: its pages and scripts may come from the server
    /// itself only (no inline script or style), and no other site may frame it, sniff its
    /// content types or learn its addresses from a `Referer`.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: contentSecurityPolicy,
        HTTPField.Name("X-Frame-Options")!: "DENY",
        .xContentTypeOptions: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        HTTPField.Name("Cross-Origin-Opener-Policy")!: "same-origin",
        HTTPField.Name("Permissions-Policy")!: "camera=(), microphone=(), geolocation=(), payment=()",
    ]

    /// The Content-Security-Policy of every answer.
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
        "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    /// `GET /`: the health of the queues and the jobs, with filters.
    static func listPage(_ request: Request) -> Response {
        // The path the page was asked at, less its own "/": where the dashboard is mounted.
        var root = request.uri.path
        while root.hasSuffix("/") { root.removeLast() }
        let query = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
        return html(.ok, Self.jobsPage(root: root, filters: Filters(query: query)))
    }

    /// `GET /jobs/{id}`: one job's page; a malformed id is a 404 page.
    static func jobPage(_ request: Request, id: String) -> Response {
        let path = request.uri.path
        guard JobID.isWellFormed(id), let suffix = path.range(of: "/jobs/", options: .backwards) else {
            let root = path.range(of: "/jobs/", options: .backwards).map { String(path[..<$0.lowerBound]) } ?? ""
            return html(.notFound, notFoundPage(root: root, id: id))
        }
        return html(.ok, Self.jobPage(root: String(path[..<suffix.lowerBound]), id: id))
    }

    /// `GET /dashboard/{file}`: a script, the style sheet or the icon, revalidated by its `ETag`.
    static func asset(_ request: Request, name: String) -> Response {
        guard let asset = DashboardAsset.named(name) else {
            var headers = securityHeaders
            headers[.contentType] = "text/plain; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .notFound, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "no such file\n")))
        }
        var headers = securityHeaders
        headers[.contentType] = asset.contentType
        // Always revalidated: a new jobctl serves its new scripts at once; the ETag saves the bytes.
        headers[.cacheControl] = "no-cache"
        headers[.eTag] = asset.eTag
        let tags = request.headers[.ifNoneMatch]?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        if tags.contains(asset.eTag) || tags.contains("W/" + asset.eTag) || tags.contains("*") {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: asset.text)))
    }

    /// A page: HTML with the security headers, never stored (it is cheap, and a new version of
    /// the server must not meet an old page).
    static func html(_ status: HTTPResponse.Status, _ page: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    /// Text for HTML content and attribute values: `&`, `<`, `>`, `"` and `'` escaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
