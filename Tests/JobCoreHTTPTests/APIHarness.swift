import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@_spi(JobStoreImplementation) import JobCore
import JobCoreHTTP
import JobCoreSQLite
import JobCoreTesting
import Logging
import NIOCore
import Testing

/// The stores every route is tested with.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, memory

    var description: String { rawValue }
}

/// The API served over a real socket on 127.0.0.1 (HummingbirdTesting's `.live`), over a fresh
/// store, with a client and helpers for one test.
struct APIHarness: Sendable {
    let store: any JobStore
    let client: any TestClientProtocol

    /// Runs `body` with the API over a new store of `kind`; with `authenticated`, the API checks
    /// access tokens kept in that store.
    static func with(
        _ kind: StoreKind, configuration: JobCoreAPI.Configuration = JobCoreAPI.Configuration(), authenticated: Bool = false,
        _ body: @escaping @Sendable (APIHarness) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory(prefix: "jobcore-http")
        defer { directory.remove() }
        let store: any JobStore & AccessTokenStore = switch kind {
        case .sqlite: try SQLiteJobStore(path: directory.url.appendingPathComponent("jobs.sqlite").path)
        case .memory: MemoryJobStore()
        }
        var configuration = configuration
        if authenticated { configuration.accessTokens = store }
        try await with(store: store, configuration: configuration, body)
    }

    /// Runs `body` with the API over `store`.
    static func with(
        store: any JobStore, configuration: JobCoreAPI.Configuration = JobCoreAPI.Configuration(),
        _ body: @escaping @Sendable (APIHarness) async throws -> Void
    ) async throws {
        let api = JobCoreAPI(store: store, configuration: configuration)
        let application = api.makeApplication(
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            logger: Logger(label: "jobcore-http-test")
        )
        try await application.test(.live) { client in try await body(APIHarness(store: store, client: client)) }
    }

    /// Sends a request; `body` is sent as is (JSON for the routes that take one).
    func send(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    // MARK: Jobs in any state, through the store

    func enqueue(
        _ command: [String] = ["true"], key: String? = nil, runAt: Date? = nil, maxAttempts: Int = 3,
        queue: String = JobOptions.defaultQueue
    ) async throws -> JobRecord {
        let payload = try JSONEncoder().encode(CommandJob(command: command))
        let options = JobOptions(queue: queue, key: key, runAt: runAt, maxAttempts: maxAttempts)
        return try await store.enqueue(NewJob(kind: CommandJob.kind.name, payload: payload, options: options)).job
    }

    /// Claims the next due job of `queue`, as a worker does.
    func claim(queue: String = JobOptions.defaultQueue) async throws -> JobRecord {
        let claimed = try await store.claim(ClaimRequest(workerID: "test-worker", limit: 1, lease: .seconds(30), keyLimit: 100, queue: queue))
        return try #require(claimed.first)
    }

    /// A job that is running (in a queue of its own, so that no other job is claimed instead).
    func runningJob(_ command: [String] = ["sleep", "100"]) async throws -> JobRecord {
        let queue = "running-\(UUID().uuidString.prefix(8))"
        let job = try await enqueue(command, queue: queue)
        let claimed = try await claim(queue: queue)
        #expect(claimed.id == job.id)
        return claimed
    }

    /// A job that ran once and ended `succeeded`, or `failed` (its only attempt failed).
    func finishedJob(succeeded: Bool) async throws -> JobRecord {
        let queue = "finished-\(UUID().uuidString.prefix(8))"
        let job = try await enqueue(maxAttempts: 1, queue: queue)
        let running = try await claim(queue: queue)
        #expect(running.id == job.id)
        let finished = succeeded
            ? try await store.complete(running.id, epoch: running.epoch)
            : try await store.fail(running.id, epoch: running.epoch, error: "exit status 1")
        #expect(finished.state == (succeeded ? .succeeded : .failed))
        return finished
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    func object(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(value as? [String: Any], "not a JSON object: \(text)", sourceLocation: sourceLocation)
    }

    /// The body as a JSON array of objects.
    func array(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(value as? [[String: Any]], "not a JSON array of objects: \(text)", sourceLocation: sourceLocation)
    }

    /// Checks that this is the API's error document with `status` and `code`; returns its message.
    @discardableResult
    func expectError(
        _ status: HTTPResponse.Status, _ code: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        #expect(self.status == status, "\(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        let document = try object(sourceLocation: sourceLocation)
        #expect(document.keys.sorted() == ["error"], sourceLocation: sourceLocation)
        let error = try #require(document["error"] as? [String: String], sourceLocation: sourceLocation)
        #expect(error.keys.sorted() == ["code", "message"], sourceLocation: sourceLocation)
        #expect(error["code"] == code, "\(text)", sourceLocation: sourceLocation)
        #expect(error["message"]?.isEmpty == false, sourceLocation: sourceLocation)
        return error["message"] ?? ""
    }
}
