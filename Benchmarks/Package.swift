// swift-tools-version:6.1
// UVIO's benchmarks: a package of their own, so the library never depends on the benchmark tools
// or on SwiftNIO.
//
// - Micro-benchmarks (package-benchmark): `make bench` or, from this folder,
//   `swift package --allow-writing-to-package-directory benchmark`.
// - The side-by-side comparison with a C libuv server and SwiftNIO: `./run-side-by-side.sh`
//   (or `make bench-side-by-side` from the root); see the README's "Performance" section.
import PackageDescription

let package = Package(
    name: "UVIOBenchmarks",
    dependencies: [
        // Named, so that `package: "UVIO"` below holds whatever the clone's folder is called.
        .package(name: "UVIO", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
        // The peer to compare against, in the side-by-side servers only.
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    ],
    targets: [
        .executableTarget(
            name: "LoopBenchmarks",
            dependencies: [
                .product(name: "UVIO", package: "UVIO"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/LoopBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        .executableTarget(
            name: "IOBenchmarks",
            dependencies: [
                "UVIOEchoes",
                .product(name: "UVIO", package: "UVIO"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/IOBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        // The reference: a plain C echo server on libuv (TCP and UDP) that answers with uv_try_write.
        .executableTarget(
            name: "CEchoServer",
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("uv")]
        ),
        // The load generator: epoll over raw sockets, one thread, time-bounded.
        .executableTarget(
            name: "CLoadGen",
            cSettings: [.unsafeFlags(["-O2"])]
        ),
        // UVIO's echo loops in each façade, shared by the server and the micro-benchmarks.
        .target(
            name: "UVIOEchoes",
            dependencies: [.product(name: "UVIO", package: "UVIO")]
        ),
        // UVIO's echo in each façade: `--style async-loop|async-global|poll|callback`.
        .executableTarget(
            name: "UVIOEchoServer",
            dependencies: ["UVIOEchoes", .product(name: "UVIO", package: "UVIO")]
        ),
        // SwiftNIO's echo: `--style handler|async-channel`.
        .executableTarget(
            name: "NIOEchoServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The runner: starts each server in turn, drives it with CLoadGen, prints the table.
        .executableTarget(name: "SideBySide"),
    ],
    swiftLanguageModes: [.v6]
)
