// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "NestedLearningSpec",
    products: [
        .library(name: "ExactMath", targets: ["ExactMath"]),
        .library(name: "NestedLearning", targets: ["NestedLearning"]),
        .library(name: "SpecClaims", targets: ["SpecClaims"]),
        .library(name: "Golden", targets: ["Golden"]),
        .library(name: "FastKernels", targets: ["FastKernels"]),
        .library(name: "BallArithmetic", targets: ["BallArithmetic"]),
        .executable(name: "nlspec", targets: ["nlspec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(
            name: "CGMP",
            pkgConfig: "gmp",
            providers: [.apt(["libgmp-dev"]), .brew(["gmp"])]
        ),
        // Arb (FLINT) ball arithmetic; Debian's libflint-arb-dev has no pkg-config file.
        .systemLibrary(name: "CArb", providers: [.apt(["libflint-arb-dev"])]),

        // MARK: - Library modules (CGMP <- ExactMath <- NestedLearning <- SpecClaims/Golden <- nlspec)
        .target(name: "ExactMath", dependencies: ["CGMP"]),
        .target(name: "NestedLearning", dependencies: ["ExactMath"]),
        // Rigorous enclosures of values that are not rational (exp, tanh, erf, roots): the scalar Ball.
        .target(name: "BallArithmetic", dependencies: ["CArb", "ExactMath"]),
        .target(name: "SpecClaims", dependencies: ["ExactMath", "NestedLearning"]),
        .target(name: "Golden", dependencies: ["ExactMath", "NestedLearning", "BallArithmetic"]),
        // The optimized Double path: C kernels with runtime CPU dispatch (AVX2+FMA or portable),
        // so no special build flags are needed.
        .target(name: "CKernels"),
        .target(name: "FastKernels", dependencies: ["CKernels", "ExactMath", "NestedLearning"]),

        // MARK: - Command line
        .executableTarget(
            name: "nlspec",
            dependencies: [
                "SpecClaims",
                "Golden",
                "FastKernels",
                "BallArithmetic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Conformance run
        .testTarget(name: "ExactMathTests", dependencies: ["ExactMath"]),
        .testTarget(name: "BallArithmeticTests", dependencies: ["BallArithmetic", "NestedLearning"]),
        .testTarget(name: "NestedLearningTests", dependencies: ["NestedLearning"]),
        .testTarget(name: "SpecClaimsTests", dependencies: ["SpecClaims"]),
        .testTarget(name: "GoldenTests", dependencies: ["Golden", "BallArithmetic"]),
        .testTarget(name: "FastKernelsTests", dependencies: ["FastKernels", "NestedLearning"]),
    ]
)
