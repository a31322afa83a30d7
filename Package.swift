// swift-tools-version:6.0
// moq-leakcheck: a leak-test runner for Rust C-ABI crates and C/C++ test programs.
// Toolchain only: no third-party packages (see DESIGN.md's design card).
import PackageDescription

let package = Package(
    name: "moq-leakcheck",
    products: [
        .executable(name: "moq-leakcheck", targets: ["moq-leakcheck"]),
        .library(name: "LeakCheck", targets: ["LeakCheck"]),
    ],
    targets: [
        // fork + PR_SET_PDEATHSIG + exec: the child's side must be async-signal-safe C.
        .target(name: "CSpawn", path: "Sources/CSpawn"),
        .target(name: "LeakCheck", dependencies: ["CSpawn"], path: "Sources/LeakCheck"),
        .executableTarget(
            name: "moq-leakcheck", dependencies: ["LeakCheck"], path: "Sources/moq-leakcheck"),
        // Test support both test targets share (scratch space outside the checkout); in no product.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "LeakCheckTests", dependencies: ["LeakCheck", "TestSupport"], path: "Tests/LeakCheckTests"),
        .testTarget(
            name: "IntegrationTests", dependencies: ["LeakCheck", "moq-leakcheck", "TestSupport"],
            path: "Tests/IntegrationTests"),
    ],
    swiftLanguageModes: [.v6]
)
