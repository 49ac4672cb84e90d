import Model

/// A function's IOMMU group from sysfs: the `iommu_group` link in its directory names the group
/// (`../../../kernel/iommu_groups/N`), and the group's `devices` directory lists its members.
/// Works the same on a `--sysfs-root` tree. No link (no IOMMU, or not in a group) is nil; the
/// listing is bounded, and names that are not PCI addresses are kept as sysfs spells them.
enum IOMMUGroupFile {
    /// At most this many members are listed (a group of thousands is a broken tree).
    static let memberLimit = 4096

    static func group(ofDeviceAt directory: String) -> IOMMUGroup? {
        let link = directory + "/iommu_group"
        guard let target = FileSystem.linkTarget(link),
            let number = Int(FileSystem.lastComponent(of: target)), number >= 0
        else { return nil }
        let listed = FileSystem.entries(of: link + "/devices", limit: memberLimit) ?? []
        var members = listed.sorted()
        let own = FileSystem.lastComponent(of: directory)
        if !members.contains(own) { members.append(own) }
        return IOMMUGroup(number: number, members: members)
    }
}
