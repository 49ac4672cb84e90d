/// cfgtui's version, the one place it is written: `cfgtui --version` prints it, and the package
/// scripts (scripts/deb.sh, scripts/manpages.sh) ask the built binary for it. The minor number
/// follows the issue that was built last.
enum Version {
    static let current = "0.13.0"
}
