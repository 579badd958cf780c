import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@_spi(JobStoreImplementation) import JobCore
import JobCoreHTTP
import JobCoreJSON
import Testing

/// `POST /v1/jobs`, `GET /v1/jobs`, `GET|PATCH|DELETE /v1/jobs/{id}`, `DELETE /v1/jobs?state=`.
@Suite struct JobRouteTests {
    @Test(arguments: StoreKind.allCases)
    func createJobEnqueuesACommandJob(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let body = #"""
            {"command": ["make", "test"], "repository": "acme/widgets", "branch": "agent/issue-42", "key": "acme",
             "priority": 5, "environment": {"LEVEL": "3"}, "maxAttempts": 2, "timeoutSeconds": 90}
            """#
            let response = try await api.send(.post, "/v1/jobs", body: body)
            #expect(response.status == .created, "\(response.text)")
            let job = try response.object()
            let id = try #require(job["id"] as? String)
            #expect(response.headers[.location] == "/v1/jobs/\(id)")
            #expect(response.headers[.eTag] == "\"1\"")
            #expect(job["state"] as? String == "queued")
            #expect(job["command"] as? [String] == ["make", "test"])
            #expect(job["repository"] as? String == "https://github.com/acme/widgets.git")
            #expect(job["branch"] as? String == "agent/issue-42")
            #expect(job["key"] as? String == "acme")
            #expect(job["priority"] as? Int == 5)
            #expect(job["maxAttempts"] as? Int == 2)
            #expect(job["timeoutSeconds"] as? Double == 90)
            let stored = try await api.store.job(JobID(id))
            let command = try JSONDecoder().decode(CommandJob.self, from: stored.payload)
            #expect(command.environment == ["LEVEL": "3"])
            #expect(command.correlationID?.isEmpty == false)
            // The body is the document `jobctl enqueue --json` prints.
            #expect(response.text == String(decoding: try JobJSON.encoder().encode(JobView(stored)), as: UTF8.self) + "\n")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func createJobWithAnUsedIdempotencyKeyReturnsTheExistingJob(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let body = #"{"command": ["true"], "idempotencyKey": "deploy-42"}"#
            let first = try await api.send(.post, "/v1/jobs", body: body)
            let second = try await api.send(.post, "/v1/jobs", body: body)
            #expect(first.status == .created)
            #expect(second.status == .ok)
            #expect(try first.object()["id"] as? String == second.object()["id"] as? String)
            #expect(try await api.store.count(JobFilter()) == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func createJobRefusesInvalidInputAndCreatesNothing(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let bodies = [
                "", "not json", "[]", #"{"command": []}"#, #"{"command": "ls"}"#, #"{"command": ["ls"], "colour": "red"}"#,
                #"{"command": ["ls"], "priority": 2000000}"#, #"{"command": ["ls"], "priority": "high"}"#,
                #"{"command": ["ls"], "branch": "-x"}"#, #"{"command": ["ls"], "repository": "/etc"}"#,
                #"{"command": ["ls"], "repository": "git@github.com:a/b"}"#, #"{"command": ["ls"], "timeoutSeconds": 0}"#,
                #"{"command": ["ls"], "timeoutSeconds": 1e300}"#, #"{"command": ["ls"], "dependsOn": ["nope"]}"#,
                #"{"command": ["ls"], "runAt": "tomorrow"}"#, #"{"command": ["ls"], "maxAttempts": 0}"#,
                #"{"command": ["ls"], "environment": {"JOB_ID": "x"}}"#, #"{"command": ["ls"], "push": true}"#,
                #"{"command": ["ls"], "key": ""}"#, #"{"command": ["ls"], "dependencyMode": "sometimes"}"#,
                #"{"command": ["ls"], "checkpoints": {"intervalSeconds": 60}}"#,
                #"{"command": ["ls"], "dependsOn": ["01AAAAAAAAAAAAAAAAAAAAAAAA"]}"#,
            ]
            for body in bodies {
                let response = try await api.send(.post, "/v1/jobs", body: body)
                let message = try response.expectError(.badRequest, "invalidInput")
                #expect(!message.isEmpty, "\(body)")
            }
            #expect(try await api.send(.post, "/v1/jobs?x=1", body: #"{"command": ["ls"]}"#).expectError(.badRequest, "invalidInput")
                .contains("'x'"))
            #expect(try await api.store.count(JobFilter()) == 0)
        }
    }

    @Test func createJobRefusesABodyOverTheLimit() async throws {
        try await APIHarness.with(.sqlite, configuration: .init(maxBodySize: 1024)) { api in
            let padding = String(repeating: "x", count: 4096)
            let response = try await api.send(.post, "/v1/jobs", body: #"{"command": ["echo", "\#(padding)"]}"#)
            try response.expectError(.contentTooLarge, "tooLarge")
            #expect(try await api.store.count(JobFilter()) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func listJobsFiltersAndPaginates(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            var ids: [String] = []
            for index in 0..<5 { ids.append(try await api.enqueue(key: index < 3 ? "a" : "b").id.rawValue) }
            try await api.store.cancel(JobID(ids[4]))

            let byKey = try await api.send(.get, "/v1/jobs?key=a")
            #expect(byKey.status == .ok)
            #expect(try (byKey.object()["jobs"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == Array(ids[0..<3].reversed()))

            var seen: [String] = []
            var uri = "/v1/jobs?limit=2"
            var pages = 0
            while true {
                let page = try await api.send(.get, uri).object()
                seen += (page["jobs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                pages += 1
                guard let cursor = page["nextCursor"] as? String else { break }
                uri = "/v1/jobs?limit=2&cursor=\(cursor)"
            }
            #expect(seen == Array(ids.reversed()))
            #expect(pages == 3)

            let oldest = try await api.send(.get, "/v1/jobs?order=oldestFirst&limit=1").object()
            #expect((oldest["jobs"] as? [[String: Any]])?.first?["id"] as? String == ids[0])
            let cancelled = try await api.send(.get, "/v1/jobs?state=cancelled").object()
            #expect((cancelled["jobs"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[4]])
            let either = try await api.send(.get, "/v1/jobs?state=queued,cancelled&kind=command&queue=default").object()
            #expect((either["jobs"] as? [[String: Any]])?.count == 5)

            for bad in ["state=bogus", "state=all", "limit=0", "limit=100000", "limit=ten", "cursor=nope", "order=sideways",
                        "parent=x", "colour=red", "key=a&key=b"] {
                try await api.send(.get, "/v1/jobs?\(bad)").expectError(.badRequest, "invalidInput")
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func getJobIsWhatJobctlShowPrints(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let finished = try await api.finishedJob(succeeded: false)
            let response = try await api.send(.get, "/v1/jobs/\(finished.id)")
            #expect(response.status == .ok)
            #expect(response.headers[.eTag] == "\"\(finished.version)\"")
            let expected = try JobJSON.encoder().encode(try await JobJSON.detailedView(of: finished.id, in: api.store))
            #expect(response.text == String(decoding: expected, as: UTF8.self) + "\n")
            let job = try response.object()
            #expect(job["state"] as? String == "failed")
            #expect((job["runs"] as? [[String: Any]])?.count == 1)

            try await api.send(.get, "/v1/jobs/01AAAAAAAAAAAAAAAAAAAAAAAA").expectError(.notFound, "notFound")
            try await api.send(.get, "/v1/jobs/not-an-id").expectError(.badRequest, "invalidInput")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func patchReschedulesAQueuedJobWithIfMatch(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let job = try await api.enqueue(runAt: Date().addingTimeInterval(3600))
            let uri = "/v1/jobs/\(job.id)"
            let body = #"{"runAt": "2026-01-31T12:00:00Z"}"#
            try await api.send(.patch, uri, body: body).expectError(.preconditionRequired, "preconditionRequired")
            try await api.send(.patch, uri, body: body, headers: [.ifMatch: "\"\(job.version + 7)\""]).expectError(.preconditionFailed, "staleVersion")
            try await api.send(.patch, uri, body: body, headers: [.ifMatch: "W/\"\(job.version)\""]).expectError(.preconditionFailed, "staleVersion")
            try await api.send(.patch, uri, body: body, headers: [.ifMatch: "three"]).expectError(.badRequest, "invalidInput")
            try await api.send(.patch, uri, body: #"{"priority": 3}"#, headers: [.ifMatch: "\"\(job.version)\""])
                .expectError(.badRequest, "invalidInput")
            try await api.send(.patch, uri, body: #"{"runAt": "soon"}"#, headers: [.ifMatch: "\"\(job.version)\""])
                .expectError(.badRequest, "invalidInput")
            #expect(try await api.store.job(job.id).version == job.version, "refused changes change nothing")

            let response = try await api.send(.patch, uri, body: body, headers: [.ifMatch: "\"\(job.version)\""])
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.headers[.eTag] == "\"\(job.version + 1)\"")
            #expect(try response.object()["runAt"] as? String == "2026-01-31T12:00:00Z")
            #expect(try await api.store.job(job.id).runAt == Date(timeIntervalSince1970: 1_769_860_800))
            // The old ETag is stale now.
            try await api.send(.patch, uri, body: body, headers: [.ifMatch: "\"\(job.version)\""]).expectError(.preconditionFailed, "staleVersion")

            let claimed = try await api.claim()
            try await api.send(.patch, uri, body: body, headers: [.ifMatch: "\"\(claimed.version)\""]).expectError(.conflict, "invalidState")
            try await api.send(.patch, "/v1/jobs/01AAAAAAAAAAAAAAAAAAAAAAAA", body: body, headers: [.ifMatch: "*"])
                .expectError(.notFound, "notFound")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deleteJobPurgesItAndStopsARunningOne(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let queued = try await api.enqueue()
            let deleted = try await api.send(.delete, "/v1/jobs/\(queued.id)")
            #expect(deleted.status == .ok)
            #expect(try deleted.object()["purged"] as? Int == 1)
            try await api.send(.get, "/v1/jobs/\(queued.id)").expectError(.notFound, "notFound")

            let running = try await api.runningJob()
            #expect(try await api.send(.delete, "/v1/jobs/\(running.id)").status == .ok)
            let beat = try await api.store.heartbeat(JobHeartbeat(id: running.id, epoch: running.epoch), workerID: "test-worker", lease: .seconds(30))
            #expect(beat == .gone, "its worker learns at its next heartbeat")

            try await api.send(.delete, "/v1/jobs/\(running.id)").expectError(.notFound, "notFound")
            try await api.send(.delete, "/v1/jobs/x").expectError(.badRequest, "invalidInput")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deleteByStateNeedsTheStates(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            let succeeded = try await api.finishedJob(succeeded: true)
            let queued = try await api.enqueue()
            try await api.send(.delete, "/v1/jobs").expectError(.badRequest, "invalidInput")
            try await api.send(.delete, "/v1/jobs?state=all").expectError(.badRequest, "invalidInput")
            try await api.send(.delete, "/v1/jobs?key=a").expectError(.badRequest, "invalidInput")
            let response = try await api.send(.delete, "/v1/jobs?state=succeeded&state=failed")
            #expect(response.status == .ok)
            #expect(try response.object()["purged"] as? Int == 1)
            await #expect(throws: JobStoreError.self) { try await api.store.job(succeeded.id) }
            #expect(try await api.store.job(queued.id).state == .queued)
        }
    }
}
