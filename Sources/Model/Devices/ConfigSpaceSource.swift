/// A place functions come from: this host through libpci, dump files, the demo set.
///
/// Declared here, implemented at the edges (`LibPCISource` in cfgtui) and by fixtures in tests.
public protocol ConfigSpaceSource {
    /// Every function, sorted by address.
    func loadFunctions() throws(SourceError) -> [PCIFunction]
    /// Reads one function's configuration space again (live sources); nil when the source is static.
    func reread(_ address: PCIAddress) throws(SourceError) -> PCIFunction?
}

/// Why a source could not deliver functions.
public enum SourceError: Error, Hashable, Sendable {
    /// A dump file is malformed or unreadable.
    case dump(DumpError)
    /// libpci reported an error (its message).
    case libpci(String)
    /// The sysfs tree given with --sysfs-root has no PCI devices directory.
    case sysfsRootNotFound(String)
    /// The host has no PCI functions to show.
    case noFunctions
    /// A function disappeared between scans.
    case functionGone(PCIAddress)
}
