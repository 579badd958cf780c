// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "JobCoreBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "JobCore", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "QueueBenchmark",
            dependencies: [.product(name: "JobCore", package: "JobCore")]
        )
    ]
)

// The root package's strict settings, for every benchmark target too.
for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}
