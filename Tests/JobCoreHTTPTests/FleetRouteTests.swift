import Foundation
import HTTPTypes
import HummingbirdTesting
@_spi(JobStoreImplementation) import JobCore
import JobCoreHTTP
import JobCoreTesting
import Testing

/// `GET /v1/workers`, `POST /v1/workers/{id}/drain` and `POST /v1/workspaces/sweep`.
@Suite struct FleetRouteTests {
    @Test(arguments: StoreKind.allCases)
    func workersAreListedAndDrained(_ kind: StoreKind) async throws {
        try await APIHarness.with(kind) { api in
            #expect(try await api.send(.get, "/v1/workers").array().isEmpty)
            let directive = try await api.store.announce(WorkerAnnouncement(
                id: "w1", host: "host-a", pid: 42, version: "1.2.3", queue: "default", capabilities: ["gpu"], labels: ["zone": "eu"],
                seats: 4, load: 1, heartbeatInterval: .seconds(10)
            ))
            #expect(directive == .run)
            let listed = try await api.send(.get, "/v1/workers").array()
            #expect(listed.count == 1)
            let worker = try #require(listed.first)
            #expect(worker["id"] as? String == "w1" && worker["host"] as? String == "host-a" && worker["pid"] as? Int == 42)
            #expect(worker["capabilities"] as? [String] == ["gpu"] && worker["labels"] as? [String: String] == ["zone": "eu"])
            #expect(worker["seats"] as? Int == 4 && worker["load"] as? Int == 1 && worker["state"] as? String == "active")
            #expect(worker["lastSeenAt"] is String && worker["startedAt"] is String)

            let drained = try await api.send(.post, "/v1/workers/w1/drain")
            #expect(drained.status == .ok)
            #expect(try drained.object()["state"] as? String == "draining")
            #expect(try await api.store.announce(WorkerAnnouncement(id: "w1", host: "host-a", pid: 42, queue: "default", seats: 4,
                                                                     heartbeatInterval: .seconds(10))) == .drain)
            try await api.send(.post, "/v1/workers/nobody/drain").expectError(.notFound, "notFound")
            try await api.store.withdraw(workerID: "w1")
            try await api.send(.post, "/v1/workers/w1/drain").expectError(.conflict, "invalidState")
            try await api.send(.post, "/v1/workers/w1/drain?now=1").expectError(.badRequest, "invalidInput")
        }
    }

    @Test func workspacesOfGoneProcessesAreSwept() async throws {
        try await TemporaryDirectory.with(prefix: "sweep-http") { root in
            let dead = Process()
            dead.executableURL = URL(fileURLWithPath: "/bin/true")
            try dead.run()
            dead.waitUntilExit()
            let stale = root.appendingPathComponent("jobcore-ws-stale")
            try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
            let created = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-7200))
            let marker = #"{"pid":\#(dead.processIdentifier),"createdAt":"\#(created)","host":"\#(ProcessInfo.processInfo.hostName)"}"#
            try Data(marker.utf8).write(to: stale.appendingPathComponent("owner.json"))

            var configuration = JobCoreAPI.Configuration()
            configuration.workspaces = LocalWorkspaceManager(configuration: .init(root: root.path))
            try await APIHarness.with(store: MemoryJobStore(), configuration: configuration) { api in
                try await api.send(.post, "/v1/workspaces/sweep?olderThanSeconds=-5").expectError(.badRequest, "invalidInput")
                let young = try await api.send(.post, "/v1/workspaces/sweep?olderThanSeconds=10000")
                #expect(try young.object()["removed"] as? [String] == [], "younger than asked: kept")
                let swept = try await api.send(.post, "/v1/workspaces/sweep")
                #expect(swept.status == .ok)
                #expect(try swept.object()["removed"] as? [String] == [stale.path])
                #expect(!FileManager.default.fileExists(atPath: stale.path))
            }
            try await APIHarness.with(.memory) { api in
                try await api.send(.post, "/v1/workspaces/sweep").expectError(.notFound, "notFound")
            }
        }
    }
}
