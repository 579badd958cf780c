// swift-tools-version:6.1
import PackageDescription

// Benchmarks: each executable prints one JSON object per result line. Run them in release mode:
//   swift run -c release --package-path Benchmarks <Name>
let package = Package(
    name: "JobCoreBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "JobCore", path: ".."),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // OpenTelemetry's SDK with its OTLP/HTTP exporter (the traits Examples/GitHubBot uses).
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
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
        .executableTarget(
            name: "CloneBenchmark",
            dependencies: [
                .product(name: "JobCore", package: "JobCore"),
                .product(name: "JobCoreTesting", package: "JobCore"),
            ]
        ),
        .executableTarget(
            name: "StoreBenchmark",
            dependencies: [
                .product(name: "JobCore", package: "JobCore"),
                .product(name: "JobCoreSQLite", package: "JobCore"),
            ]
        ),
        .executableTarget(
            name: "ObservabilityBenchmark",
            dependencies: [
                .product(name: "JobCore", package: "JobCore"),
                .product(name: "JobCoreSQLite", package: "JobCore"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "PostgresBenchmark",
            dependencies: [
                .product(name: "JobCore", package: "JobCore"),
                .product(name: "JobCorePostgres", package: "JobCore"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)

for target in package.targets where target.name != "CHeapUsage" {
    target.swiftSettings = (target.swiftSettings ?? []) + [.swiftLanguageMode(.v6)]
}
