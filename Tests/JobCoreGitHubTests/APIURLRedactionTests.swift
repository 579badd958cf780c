import Foundation
import JobCore
import JobCoreGitHub
import JobCoreTesting
import Testing

/// A password (or token) in the API base URL never appears in a log line or an error.
@Suite(.timeLimit(.minutes(3))) struct APIURLRedactionTests {
    @Test func credentialsInTheAPIURLAreRedacted() async throws {
        let logs = LogCapture()
        // Nothing listens on port 1: the request fails (within its 2 s limit) after the debug line.
        let url = try #require(URL(string: "http://app-user:SECRETPASSWORD@127.0.0.1:1"))
        let provider = try ProviderFixture.provider(url: url, logger: logs.logger(label: "redaction")) { $0.requestTimeout = .seconds(2) }
        let error = await #expect(throws: TokenError.self) { try await provider.token(for: "1") }
        let texts = logs.lines + ["\(String(describing: error))", String(reflecting: error)]
        #expect(logs.lines.contains { $0.contains("requesting installation token") && $0.contains("127.0.0.1:1") })
        for text in texts {
            #expect(!text.contains("SECRETPASSWORD"), "\(text)")
        }
    }
}
