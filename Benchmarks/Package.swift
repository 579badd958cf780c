// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "JobCoreBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "JobCore", path: "..")
    ],
    targets: [
        .target(name: "CHeapUsage"),
        .executableTarget(
            name: "QueueBenchmark",
            dependencies: ["CHeapUsage", .product(name: "JobCore", package: "JobCore")]
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
