// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "UVIO",
    products: [
        .library(name: "UVIO", targets: ["UVIO"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0")
    ],
    targets: [
        .systemLibrary(
            name: "CLibUV",
            pkgConfig: "libuv",
            providers: [.apt(["libuv1-dev"])]
        ),
        .target(
            name: "UVIO",
            dependencies: [
                "CLibUV",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        .testTarget(
            name: "UVIOTests",
            dependencies: ["UVIO", "CLibUV"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
