// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "JobCore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "JobCore", targets: ["JobCore"]),
        .library(name: "JobCoreSQLite", targets: ["JobCoreSQLite"]),
        .library(name: "JobCoreGitHub", targets: ["JobCoreGitHub"]),
        .library(name: "JobCorePostgres", targets: ["JobCorePostgres"]),
        .library(name: "JobCoreTesting", targets: ["JobCoreTesting"]),
        .library(name: "JobCoreHTTP", targets: ["JobCoreHTTP"]),
        .library(name: "JobCoreHTTPGitHub", targets: ["JobCoreHTTPGitHub"]),
        .executable(name: "jobctl", targets: ["jobctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // Without the default traits (swift-configuration, full Foundation): less to compile.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // `swift package generate-documentation` (scripts/docs); no library depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // libgit2 (>= 1.7) from the system, and the C side of process supervision.
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        .target(name: "CJobCoreProcess"),
        .target(name: "CJobCoreGit", dependencies: ["CLibGit2"]),

        // The library: queue, jobs, workspaces, tokens, processes; and its optional parts.
        .target(
            name: "JobCore",
            dependencies: [
                "CLibGit2",
                "CJobCoreGit",
                "CJobCoreProcess",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .target(
            name: "JobCoreSQLite",
            dependencies: [
                "JobCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "JobCoreGitHub",
            dependencies: [
                "JobCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "JobCorePostgres",
            dependencies: [
                "JobCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "JobCoreTesting",
            dependencies: [
                "JobCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The JSON documents of `jobctl --json` and of the HTTP API.
        .target(name: "JobCoreJSON", dependencies: ["JobCore"]),
        .target(
            name: "JobCoreHTTP",
            dependencies: [
                "JobCore",
                "JobCoreJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // POST /webhooks/github in a JobCoreHTTP server: apart, so that JobCoreHTTP does not need
        // JobCoreGitHub and JobCoreGitHub does not need Hummingbird.
        .target(
            name: "JobCoreHTTPGitHub",
            dependencies: [
                "JobCore", "JobCoreHTTP", "JobCoreGitHub",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "jobctl",
            dependencies: [
                "JobCore",
                "JobCoreSQLite",
                "JobCoreGitHub",
                "JobCorePostgres",
                "JobCoreJSON",
                "JobCoreHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // Test helpers, run by the tests as separate processes (not products).
        // Runs a process tree under ProcessSupervisor, then waits to be killed.
        .executableTarget(
            name: "jobcore-process-fixture",
            dependencies: ["JobCore", .product(name: "Logging", package: "swift-log")],
            path: "Tests/Helpers/jobcore-process-fixture"
        ),
        // A worker process on a SQLite or PostgreSQL store, for the multi-process tests.
        .executableTarget(
            name: "jobcore-test-worker",
            dependencies: [
                "JobCore", "JobCoreSQLite", "JobCorePostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Tests/Helpers/jobcore-test-worker"
        ),
        .testTarget(
            name: "JobCoreTests",
            dependencies: [
                "JobCore",
                "JobCoreTesting",
                "CLibGit2",
                "jobcore-process-fixture",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "JobCoreSQLiteTests",
            dependencies: [
                "JobCore", "JobCoreSQLite", "JobCoreTesting", "jobcore-test-worker",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "JobCoreGitHubTests",
            dependencies: [
                "JobCoreGitHub", "JobCore", "JobCoreTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "jobctlTests", dependencies: ["JobCore", "JobCoreSQLite", "JobCoreTesting"]),
        .testTarget(
            name: "JobCoreHTTPTests",
            dependencies: [
                "JobCore", "JobCoreHTTP", "JobCoreJSON", "JobCoreSQLite", "JobCoreTesting", "JobCoreGitHub", "JobCoreHTTPGitHub",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "JobCorePostgresTests",
            dependencies: [
                "JobCore", "JobCorePostgres", "JobCoreTesting", "jobcore-test-worker", "jobctl",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)

// Strict settings for every Swift target.
for target in package.targets where target.type != .system && !target.name.hasPrefix("C") {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}
