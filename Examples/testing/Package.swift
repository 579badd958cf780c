// swift-tools-version:6.1
import PackageDescription

// A project that uses JobCore for its own job handler, and tests that handler with
// JobCoreTesting: a local Git server, a fake token provider, a manual clock and the memory store.
//   swift test --package-path Examples/testing
let package = Package(
    name: "ChangelogBot",
    platforms: [.macOS(.v15)],
    dependencies: [
        // `name:` because the identity of a path dependency is its directory's name, which
        // depends on where the repository was cloned.
        .package(name: "JobCore", path: "../.."),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "Changelog",
            dependencies: [
                .product(name: "JobCore", package: "JobCore"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ChangelogTests",
            dependencies: [
                "Changelog",
                .product(name: "JobCore", package: "JobCore"),
                .product(name: "JobCoreTesting", package: "JobCore"),
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
