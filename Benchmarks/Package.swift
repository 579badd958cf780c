// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "JobCoreBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "JobCore", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "StoreBenchmark",
            dependencies: [
                .product(name: "JobCore", package: "JobCore"),
                .product(name: "JobCoreSQLite", package: "JobCore"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
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
