import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobCore
import JobCoreHTTP
import Logging
import NIOCore
import Testing

/// The API mounted in an embedder's own application, under a prefix, beside its routes.
@Suite struct EmbeddingTests {
    @Test func theAPIMountsUnderAGroupAndLeavesTheOtherRoutesAlone() async throws {
        let store = MemoryJobStore()
        let router = Router()
        router.get("hello") { _, _ in "hello" }
        router.post("echo") { request, _ -> Response in
            throw HTTPError(.badRequest, message: "the embedder's own error")
        }
        JobCoreAPI(store: store).addRoutes(to: router.group("ops"))
        let application = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            logger: Logger(label: "embedding-test")
        )
        try await application.test(.live) { client in
            let hello = try await client.execute(uri: "/hello", method: .get)
            #expect(hello.status == .ok)
            #expect(String(buffer: hello.body) == "hello")

            let created = try await client.execute(
                uri: "/ops/v1/jobs", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"command": ["true"]}"#)
            )
            #expect(created.status == .created)
            let id = try #require((try JSONSerialization.jsonObject(with: Data(String(buffer: created.body).utf8)) as? [String: Any])?["id"] as? String)
            #expect(created.headers[.location] == "/ops/v1/jobs/\(id)")
            #expect(try await client.execute(uri: "/ops/v1/jobs/\(id)", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/ops/openapi.json", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/v1/jobs", method: .get).status == .notFound, "not at the root")

            // The API's errors have its shape; the embedder's keep theirs.
            let missing = try await client.execute(uri: "/ops/v1/jobs/01AAAAAAAAAAAAAAAAAAAAAAAA", method: .get)
            #expect(missing.status == .notFound)
            #expect(String(buffer: missing.body).contains(#""code" : "notFound""#))
            let own = try await client.execute(uri: "/echo", method: .post)
            #expect(own.status == .badRequest)
            #expect(!String(buffer: own.body).contains(#""code""#), "the embedder's error is Hummingbird's, untouched")
        }
        #expect(try await store.count(JobFilter()) == 1)
    }
}
