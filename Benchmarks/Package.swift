// swift-tools-version:6.1
// UVIO's benchmarks: a package of their own, so the library never depends on the benchmark tools.
// Run them with `make bench` or, from this folder,
// `swift package --allow-writing-to-package-directory benchmark`.
import PackageDescription

let package = Package(
    name: "UVIOBenchmarks",
    dependencies: [
        // Named, so that `package: "UVIO"` below holds whatever the clone's folder is called.
        .package(name: "UVIO", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
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
        )
    ],
    swiftLanguageModes: [.v6]
)
