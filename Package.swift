// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "UVIO",
    products: [
        .library(name: "UVIO", targets: ["UVIO"]),
        .executable(name: "uvio", targets: ["uvio"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibUV",
            pkgConfig: "libuv",
            providers: [.apt(["libuv1-dev"])]
        ),
        // Forwarders to the concurrency runtime's cancellation records and flag, under names Swift
        // may use (see `Sources/UVIO/Loop/CancellationHandler.swift`).
        .target(name: "CTaskCancellation"),
        .target(
            name: "UVIO",
            dependencies: [
                "CLibUV",
                "CTaskCancellation",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]
        ),
        // The `uvio` command. Its folder is not `Sources/uvio`, which would differ from
        // `Sources/UVIO` only in case.
        .executableTarget(
            name: "uvio",
            dependencies: ["UVIO", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/CLI"
        ),
        // Reliability scenarios that change or measure the whole process (descriptor limit,
        // descriptor count, resident memory): the tests run them in a child process.
        .executableTarget(
            name: "ReliabilityProbes",
            dependencies: ["UVIO"]
        ),
        .testTarget(
            name: "UVIOTests",
            dependencies: ["UVIO", "CLibUV"]
        ),
        // Runs the built `uvio` binary (found next to the test bundle) against socat and Python.
        .testTarget(
            name: "CLITests",
            path: "Tests/CLITests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
