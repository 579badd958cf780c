// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "JobCore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "JobCore", targets: ["JobCore"]),
        .library(name: "JobCoreSQLite", targets: ["JobCoreSQLite"]),
        .library(name: "JobCorePostgres", targets: ["JobCorePostgres"]),
        .library(name: "JobCoreTesting", targets: ["JobCoreTesting"]),
        .executable(name: "jobctl", targets: ["jobctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        .target(
            name: "JobCore",
            dependencies: [
                "CLibGit2",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
            ]
        ),
        .executableTarget(
            name: "jobctl",
            dependencies: [
                "JobCore",
                "JobCoreSQLite",
                "JobCorePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test helper: a worker process on a SQLite store, for cross-process tests.
        .executableTarget(
            name: "jobcore-test-claimer",
            dependencies: ["JobCore", "JobCoreSQLite", .product(name: "Logging", package: "swift-log")]
        ),
        // Test helper: a worker process on a PostgreSQL store, for multi-process tests.
        .executableTarget(
            name: "jobcore-test-pg-worker",
            dependencies: [
                "JobCore", "JobCorePostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "JobCoreTests",
            dependencies: [
                "JobCore", "JobCoreTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "JobCoreSQLiteTests",
            dependencies: [
                "JobCore", "JobCoreSQLite", "JobCoreTesting", "jobcore-test-claimer",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "JobCorePostgresTests",
            dependencies: [
                "JobCore", "JobCorePostgres", "JobCoreTesting", "jobcore-test-pg-worker", "jobctl",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)

// Strict settings for every target.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}
