// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "JobCore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "JobCore", targets: ["JobCore"]),
        .library(name: "JobCoreTesting", targets: ["JobCoreTesting"]),
        .executable(name: "jobctl", targets: ["jobctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        .target(name: "CJobCoreProcess"),
        .target(
            name: "JobCore",
            dependencies: [
                "CLibGit2",
                "CJobCoreProcess",
                .product(name: "Logging", package: "swift-log"),
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
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test fixture: runs a process tree under ProcessSupervisor, then waits to be killed.
        .executableTarget(
            name: "jobcore-process-fixture",
            dependencies: ["JobCore", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "JobCoreTests",
            dependencies: [
                "JobCore",
                "JobCoreTesting",
                "jobcore-process-fixture",
                .product(name: "InMemoryLogging", package: "swift-log"),
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
