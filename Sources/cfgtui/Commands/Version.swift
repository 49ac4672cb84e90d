/// cfgtui's version, the one place it is written in Swift: `cfgtui --version` prints it.
///
/// The top-level `VERSION` file holds the same text for scripts (a package build reads it with
/// `cat VERSION`); `VersionTests` fails when the two differ. The minor number follows the
/// issue that was built last.
enum Version {
    static let current = "0.11.0"
}
