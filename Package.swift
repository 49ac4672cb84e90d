// swift-tools-version: 6.0
// cfgtui: a terminal explorer for PCI/PCIe configuration space. GPL-2.0-or-later.
import PackageDescription

// ncursesw and libpci headers and libraries sit on Debian's default search paths, so the
// system library targets do not name pkg-config modules: SwiftPM would drop ncursesw's
// -D flags with a warning on every build anyway; Sources/CCurses/shim.h defines NCURSES_WIDECHAR itself.
let package = Package(
    name: "cfgtui",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cfgtui", targets: ["cfgtui"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(name: "CCurses", providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CPCI", providers: [.apt(["libpci-dev"])]),
        .target(name: "Model"),
        .target(name: "Views", dependencies: ["Model"]),
        .executableTarget(
            name: "cfgtui",
            dependencies: [
                "Model", "Views", "CCurses", "CPCI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ModelTests", dependencies: ["Model"]),
        .testTarget(name: "ViewsTests", dependencies: ["Views", "Model"]),
        .testTarget(name: "cfgtuiTests", dependencies: ["cfgtui", "Model", "Views"]),
    ]
)
