import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobCore
import JobCoreHTTP
import Logging
import NIOCore
import Testing

/// The dashboard's pages and files: served without a token, holding no data, with the security
/// headers; absent with `dashboard: false`. (Its behaviour in a browser is
/// `DashboardBrowserExclusiveTests`, in jobctlTests.)
@Suite struct DashboardTests {
    static let assets: [(path: String, contentType: String)] = [
        ("/dashboard/common.js", "text/javascript; charset=utf-8"),
        ("/dashboard/jobs.js", "text/javascript; charset=utf-8"),
        ("/dashboard/workers.js", "text/javascript; charset=utf-8"),
        ("/dashboard/job.js", "text/javascript; charset=utf-8"),
        ("/dashboard/style.css", "text/css; charset=utf-8"),
        ("/dashboard/icon.svg", "image/svg+xml"),
    ]
    static let jobID = "01JCZ8Y3T6K4P2M9Q7R5S1V0WX"

    /// The headers every answer of the dashboard carries.
    static func expectSecurityHeaders(_ response: TestResponse, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let policy = response.headers[.contentSecurityPolicy] ?? ""
        let directives = Set(policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
        for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"] {
            #expect(directives.contains(directive), "\(what): \(policy)", sourceLocation: sourceLocation)
        }
        #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"), "\(what): \(policy)", sourceLocation: sourceLocation)
        #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(what)", sourceLocation: sourceLocation)
        #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(what)", sourceLocation: sourceLocation)
        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(what)", sourceLocation: sourceLocation)
        #expect(response.headers[.cacheControl] != nil, "\(what)", sourceLocation: sourceLocation)
    }

    @Test func pagesAndFilesAnswerWithoutATokenWithTheSecurityHeaders() async throws {
        try await APIHarness.with(.sqlite, authenticated: true) { api in
            for page in ["/", "/jobs/\(Self.jobID)"] {
                let response = try await api.send(.get, page)
                #expect(response.status == .ok, "\(page): \(response.text)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(page)")
                #expect(response.headers[.cacheControl] == "no-store", "\(page)")
                Self.expectSecurityHeaders(response, page)
                #expect(response.text.hasPrefix("<!doctype html>"), "\(page)")
                #expect(response.text.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#), "\(page)")
                #expect(response.text.contains(#"<form id="token-form""#), "\(page): the token form is rendered by the server")
                #expect(response.text.contains("<noscript>"), "\(page)")
            }
            for asset in Self.assets {
                let response = try await api.send(.get, asset.path)
                #expect(response.status == .ok, "\(asset.path)")
                #expect(response.headers[.contentType] == asset.contentType, "\(asset.path)")
                #expect(response.headers[.cacheControl] == "no-cache", "\(asset.path)")
                Self.expectSecurityHeaders(response, asset.path)
                #expect(!response.text.isEmpty, "\(asset.path)")
                // Revalidation: the same ETag is a 304 without a body.
                let eTag = try #require(response.headers[.eTag], "\(asset.path)")
                let again = try await api.send(.get, asset.path, headers: [.ifNoneMatch: eTag])
                #expect(again.status == .notModified, "\(asset.path)")
                #expect(again.body.readableBytes == 0, "\(asset.path)")
                let changed = try await api.send(.get, asset.path, headers: [.ifNoneMatch: "\"other\""])
                #expect(changed.status == .ok, "\(asset.path)")
            }
            // The API itself still needs a token.
            try await api.send(.get, "/v1/jobs").expectError(.unauthorized, "unauthorized")
        }
    }

    @Test func unknownFilesAndMalformedJobIDsAre404WithTheSecurityHeaders() async throws {
        try await APIHarness.with(.memory, authenticated: true) { api in
            for path in ["/dashboard/nothing.js", "/dashboard/..%2Fstyle.css", "/jobs/not-a-job", "/jobs/%3Cscript%3E"] {
                let response = try await api.send(.get, path)
                #expect(response.status == .notFound, "\(path)")
                Self.expectSecurityHeaders(response, path)
                #expect(!response.text.contains("<script>"), "\(path): \(response.text)")
            }
        }
    }

    @Test func pagesHoldNoDataOfTheStore() async throws {
        try await APIHarness.with(.sqlite, authenticated: true) { api in
            let job = try await api.enqueue(["echo", "the-secret-command"], key: "the-secret-key")
            _ = try await api.runningJob(["echo", "another-secret"])
            let token = try await AccessTokens.create(name: "dashboard", scope: .admin, in: try #require(api.store as? any AccessTokenStore))
            for page in ["/", "/jobs/\(job.id)", "/?state=running"] {
                // Even a request carrying a valid token gets the same data-free shell.
                for headers: HTTPFields in [[:], [.authorization: "Bearer \(token.token)"]] {
                    let text = try await api.send(.get, page, headers: headers).text
                    for secret in ["the-secret-command", "the-secret-key", "another-secret", "test-worker", token.token] {
                        #expect(!text.contains(secret), "\(page) shows \(secret)")
                    }
                }
            }
        }
    }

    @Test func pagesHaveNoInlineScriptOrStyleAndReferOnlyToServedFiles() async throws {
        try await APIHarness.with(.memory) { api in
            for page in ["/", "/jobs/\(Self.jobID)"] {
                let text = try await api.send(.get, page).text
                // The CSP forbids inline code: every script has a src, no element has style= or on…=.
                #expect(text.matches(of: /<script(?![^>]*\ssrc=)[^>]*>/).isEmpty, "\(page): an inline script")
                #expect(text.matches(of: /<style/).isEmpty, "\(page): an inline style sheet")
                #expect(text.matches(of: /\s(style|on[a-z]+)=/).isEmpty, "\(page): an inline style or handler")
                // The token's field has no name: a form sent without JavaScript never puts it in a URL.
                let tokenInput = try #require(text.firstMatch(of: /<input id="token-input"[^>]*>/)?.output)
                #expect(!tokenInput.contains("name="), "\(tokenInput)")
                let references = text.matches(of: /(?:src|href)="(\/dashboard\/[^"]+)"/).map { String($0.output.1) }
                #expect(references.count >= 3, "\(page): \(references)")
                for reference in references {
                    let status = try await api.send(.get, reference).status
                    #expect(status == .ok, "\(page) refers to \(reference)")
                }
            }
            // The scripts import only files the dashboard serves, and keep the token in sessionStorage only.
            var scripts = ""
            for asset in Self.assets where asset.path.hasSuffix(".js") {
                let text = try await api.send(.get, asset.path).text
                scripts += text
                for imported in text.matches(of: /from "\.\/([a-z]+\.js)"/).map({ String($0.output.1) }) {
                    let status = try await api.send(.get, "/dashboard/\(imported)").status
                    #expect(status == .ok, "\(asset.path) imports \(imported)")
                }
            }
            let keepsTheToken = scripts.contains("sessionStorage.setItem")
            #expect(keepsTheToken)
            for forbidden in ["localStorage", "document.cookie", "innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new EventSource"] {
                let uses = scripts.contains(forbidden)
                #expect(!uses, "the dashboard's scripts use \(forbidden)")
            }
        }
    }

    @Test func everyElementAScriptLooksUpIsInItsPage() async throws {
        try await APIHarness.with(.memory) { api in
            // The list page runs jobs.js, which imports workers.js; the job's page runs job.js.
            let pages: [(path: String, scripts: [String])] = [
                ("/", ["common.js", "jobs.js", "workers.js"]),
                ("/jobs/\(Self.jobID)", ["common.js", "job.js"]),
            ]
            for page in pages {
                let html = try await api.send(.get, page.path).text
                let ids = Set(html.matches(of: /\sid="([^"]+)"/).map { String($0.output.1) })
                for script in page.scripts {
                    let text = try await api.send(.get, "/dashboard/\(script)").text
                    let lookedUp = text.matches(of: /(?:getElementById|setText|showMessage)\("([a-z-]+)"/).map { String($0.output.1) }
                    #expect(!lookedUp.isEmpty, "\(script)")
                    for id in lookedUp {
                        #expect(ids.contains(id), "\(script) looks up #\(id), which \(page.path) does not have")
                    }
                }
            }
            // The list page has the workers' table and the fleet's figures that workers.js and jobs.js fill.
            let list = try await api.send(.get, "/").text
            for id in ["workers", "workers-message", "workers-error", "workers-empty", "fact-workers", "fact-load"] {
                #expect(list.contains(#"id="\#(id)""#), "\(id)")
            }
        }
    }

    @Test func theFiltersOfTheAddressAreRenderedEscaped() async throws {
        try await APIHarness.with(.memory) { api in
            let response = try await api.send(.get, "/?state=running&state=failed&key=%3Cb%3E%22x%22&queue=q1")
            #expect(response.status == .ok)
            let text = response.text
            #expect(text.contains(#"<input type="checkbox" name="state" value="running" checked>"#))
            #expect(text.contains(#"<input type="checkbox" name="state" value="failed" checked>"#))
            #expect(text.contains(#"<input type="checkbox" name="state" value="queued">"#))
            #expect(text.contains(#"name="key" value="&lt;b&gt;&quot;x&quot;""#), "\(text)")
            #expect(text.contains(#"name="queue" value="q1""#))
            #expect(!text.contains("<b>"))
        }
    }

    @Test func theDashboardIsOffWithDashboardFalse() async throws {
        var configuration = JobCoreAPI.Configuration()
        configuration.dashboard = false
        try await APIHarness.with(.memory, configuration: configuration) { api in
            for path in ["/", "/jobs/\(Self.jobID)", "/dashboard/style.css", "/dashboard/common.js"] {
                try await api.send(.get, path).expectError(.notFound, "notFound")
            }
            let list = try await api.send(.get, "/v1/jobs")
            #expect(list.status == .ok, "the API is still there")
        }
        #expect(JobCoreAPI.Configuration().dashboard, "on by default")
    }

    @Test func theDashboardIsNotPartOfTheAPIContract() {
        let paths = Set(JobCoreAPI(store: MemoryJobStore()).endpoints.map(\.path))
        #expect(paths.allSatisfy { $0.hasPrefix("/v1/") || $0 == "/openapi.json" || $0 == "/metrics" }, "\(paths.sorted())")
        #expect(!OpenAPIDocument.json.contains("\"/dashboard"))
    }

    @Test func underAGroupThePagesReferToTheirOwnPrefix() async throws {
        let router = Router()
        JobCoreAPI(store: MemoryJobStore()).addRoutes(to: router.group("ops"))
        let application = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            logger: Logger(label: "dashboard-test")
        )
        try await application.test(.live) { client in
            for page in ["/ops", "/ops/", "/ops/jobs/\(Self.jobID)"] {
                let response = try await client.execute(uri: page, method: .get)
                #expect(response.status == .ok, "\(page)")
                let text = String(buffer: response.body)
                #expect(text.contains(#"<body data-root="/ops""#), "\(page)")
                #expect(text.contains(#"href="/ops/dashboard/style.css""#), "\(page)")
                #expect(!text.contains(#"href="/dashboard/"#), "\(page)")
            }
            let mounted = try await client.execute(uri: "/ops/dashboard/style.css", method: .get)
            #expect(mounted.status == .ok)
            let root = try await client.execute(uri: "/dashboard/style.css", method: .get)
            #expect(root.status == .notFound)
        }
    }
}
