/// Where a fact comes from: a specification and its section, or the source function cfgtui
/// follows instead (the kernel's vfio-pci, QEMU).
///
/// Trainers point students at the specification, so every capability definition carries one,
/// and a register can name its own subsection of the same document.
///
/// ```
/// let reference = SpecReference.pcie("7.5.3")                  // PCIe r6.0 §7.5.3
/// reference.subsection("7.5.3.4").description                  // "PCIe r6.0 §7.5.3.4"
/// SpecReference("PICMG 2.1 CompactPCI Hot Swap").description   // the document alone
/// SpecReference.source("Linux drivers/vfio/pci/vfio_pci_config.c", "vfio_msi_config_read")
/// ```
public struct SpecReference: Hashable, Sendable, CustomStringConvertible {
    /// The document: "PCIe r6.0", "PCI-X 2.0", "Linux drivers/vfio/pci/vfio_pci_config.c".
    public var document: String
    /// The section number, without the §; nil when only the document is known.
    public var section: String?
    /// For source code: the function cfgtui follows.
    public var function: String?

    public init(_ document: String, section: String? = nil, function: String? = nil) {
        self.document = document
        self.section = section
        self.function = function
    }

    /// PCI Express Base Specification Revision 6.0, the revision cfgtui's tables follow.
    public static func pcie(_ section: String) -> SpecReference { SpecReference("PCIe r6.0", section: section) }

    /// A later revision of the PCI Express Base Specification, for structures r6.0 does not have.
    public static func pcie(revision: String, _ section: String) -> SpecReference {
        SpecReference("PCIe r" + revision, section: section)
    }

    /// A function in a source file (the kernel, QEMU) that cfgtui follows where no
    /// specification decides.
    public static func source(_ file: String, _ function: String) -> SpecReference {
        SpecReference(file, function: function)
    }

    /// Another section of the same document.
    public func subsection(_ section: String) -> SpecReference { SpecReference(document, section: section) }

    /// "PCIe r6.0 §7.5.3.4", "Linux drivers/vfio/pci/vfio_pci_config.c vfio_msi_config_read()",
    /// or the document alone.
    public var description: String { description(sectionSign: "§") }

    /// The citation with another section sign (`sec. ` where only ASCII can be shown).
    public func description(sectionSign: String) -> String {
        var text = ""
        writeCitation(sectionSign: sectionSign) { text += $0 }
        return text
    }

    /// The citation's pieces in order, for writers that append them to their own output
    /// without building the string first (show prints one per register).
    public func writeCitation(sectionSign: String = "§", _ write: (String) -> Void) {
        write(document)
        if let section {
            write(" ")
            write(sectionSign)
            write(section)
        }
        if let function {
            write(" ")
            write(function)
            write("()")
        }
    }
}
