import Foundation
import JobCoreTesting
import Testing

/// `jobctl clone` gives up on a server that accepts the connection and then says nothing. The
/// bound includes starting jobctl, so `scripts/test` runs this on its own (its name holds
/// `Exclusive`) rather than alongside the whole suite.
@Suite struct CloneTimeoutExclusiveTests {
    @Test func silentServerTimesOutWithinTheConfiguredBound() async throws {
        let silent = try await UnresponsiveServer.start()
        try await TemporaryDirectory.with { root in
            let start = ContinuousClock.now
            let output = try await JobctlProcess.run(["clone", "\(silent.baseURL)/acme/widgets.git", root.appendingPathComponent("o").path,
                                                      "--io-timeout", "1s", "--connect-timeout", "1s"])
            let elapsed = ContinuousClock.now - start
            #expect(output.status == 124, "\(output.stderr)")
            // Without the timeouts the clone waits forever; 1 s each plus jobctl's start.
            #expect(elapsed < .seconds(10), "took \(elapsed)")
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("o").path))
        }
        try await silent.shutdown()
    }
}
