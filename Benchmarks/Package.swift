// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "JobCoreBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "JobCore", path: ".."),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        .target(name: "CHeapUsage"),
        .executableTarget(
            name: "QueueBenchmark",
            dependencies: [
                "CHeapUsage",
                .product(name: "JobCore", package: "JobCore"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
    ]
)

// The root package's strict settings, for every benchmark target too.
for target in package.targets where target.name != "CHeapUsage" {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}
