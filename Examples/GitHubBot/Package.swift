// swift-tools-version:6.1
import PackageDescription

// A GitHub webhook server on Hummingbird that turns labelled issues into JobCore jobs:
//   swift run --package-path Examples/GitHubBot github-bot      (configuration: README.md)
//   swift test --package-path Examples/GitHubBot
let package = Package(
    name: "GitHubBot",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "github-bot", targets: ["github-bot"]),
    ],
    dependencies: [
        // `name:` because the identity of a path dependency is its directory's name, which
        // depends on where the repository was cloned.
        .package(name: "JobCore", path: "../.."),
        // Without the default traits (swift-configuration, full Foundation): less to compile.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // OTLP export of traces and metrics (github-bot only, when an endpoint is configured):
        // OTLP/HTTP only, so that gRPC is not compiled.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .target(
            name: "GitHubBot",
            dependencies: [
                .product(name: "JobCore", package: "JobCore"),
                .product(name: "JobCoreGitHub", package: "JobCore"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "github-bot",
            dependencies: [
                "GitHubBot",
                .product(name: "JobCore", package: "JobCore"),
                .product(name: "JobCoreSQLite", package: "JobCore"),
                .product(name: "JobCoreGitHub", package: "JobCore"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "OTel", package: "swift-otel"),
            ]
        ),
        // README's library example, compiled (not run); scripts/examples checks it is README's.
        .target(
            name: "ReadmeExample",
            dependencies: [
                .product(name: "JobCore", package: "JobCore"),
                .product(name: "JobCoreSQLite", package: "JobCore"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "GitHubBotTests",
            dependencies: [
                "GitHubBot",
                .product(name: "JobCore", package: "JobCore"),
                .product(name: "JobCoreGitHub", package: "JobCore"),
                .product(name: "JobCoreTesting", package: "JobCore"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ]
)

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}
