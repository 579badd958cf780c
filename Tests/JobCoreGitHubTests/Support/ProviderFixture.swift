import AsyncHTTPClient
import Foundation
import JobCore
import JobCoreGitHub
import JobCoreTesting
import Logging

/// Builds providers pointed at a fake API.
enum ProviderFixture {
    /// A provider for `api`, with the api's app id and (by default) its private key.
    static func provider(
        for api: FakeGitHubAPI,
        clock: any WallClock,
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        pem: String? = nil,
        appID: String? = nil,
        configure: (inout GitHubAppTokenProvider.Configuration) -> Void = { _ in }
    ) throws -> GitHubAppTokenProvider {
        var configuration = GitHubAppTokenProvider.Configuration(
            appID: appID ?? api.appID,
            privateKey: try GitHubAppPrivateKey(pemRepresentation: pem ?? api.keyPair.privateKeyPKCS1PEM),
            apiBaseURL: api.baseURL
        )
        configure(&configuration)
        return GitHubAppTokenProvider(configuration: configuration, clock: clock, logger: logger)
    }

    /// A provider for an API at `url`.
    static func provider(
        url: URL,
        clock: any WallClock = ManualClock(),
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        configure: (inout GitHubAppTokenProvider.Configuration) -> Void = { _ in }
    ) throws -> GitHubAppTokenProvider {
        var configuration = GitHubAppTokenProvider.Configuration(
            appID: "12345",
            privateKey: try GitHubAppPrivateKey(pemRepresentation: FakeGitHubAPI.AppKeyPair.shared.privateKeyPKCS1PEM),
            apiBaseURL: url
        )
        configure(&configuration)
        return GitHubAppTokenProvider(configuration: configuration, clock: clock, logger: logger)
    }
}
