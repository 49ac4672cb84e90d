extension KnownOffsetTable {
    /// The table cfgtui ships: each entry from a public source, named in `source`.
    ///
    /// Known-good offsets are where the real device carries the capability (the layout a VF
    /// or a vfio-hidden capability is expected to follow); hidden-register ranges are
    /// registers a driver uses outside every capability. The be2net and IGD registers all sit
    /// in standard space (below 0x100): they constrain nothing in extended space, and are
    /// listed so a plan shows them. docs/placement.md has the table with its sources.
    public static let builtIn = KnownOffsetTable(entries: intelGraphics + intelAccelerators + amdGPUs + be2net)

    // MARK: - Intel

    /// Intel Skylake GT2 (HD Graphics 515, 8086:191e): PASID 0x100, ATS 0x200, PRI 0x300 as
    /// its `lspci` dump shows (pciutils tests/cap-pasid-pri); the IGD registers QEMU
    /// virtualises outside every capability (hw/vfio/igd.c: GMCH 0x50, 16 bits; BDSM 0x5C,
    /// 32 bits; ASLS 0xFC, 32 bits). The TigerLake GT2 PF has the same extended layout
    /// (docs/placement.md, Built-in entries), and Intel documents IGD ATS Control at 0x206 (12th gen, ATS_CTRL).
    private static let intelGraphics: [Entry] = [
        Entry(
            vendorID: 0x8086, deviceID: 0x191E,
            offsets: [.pasid: 0x100, .ats: 0x200, .pri: 0x300],
            reserved: [ConfigRange(0x50, length: 2), ConfigRange(0x5C, length: 4), ConfigRange(0xFC, length: 4)],
            source:
                "Intel Skylake GT2 IGD: PASID/ATS/PRI offsets from pciutils tests/cap-pasid-pri (0f5b941a); "
                + "GMCH 0x50, BDSM 0x5c, ASLS 0xfc from QEMU hw/vfio/igd.c")
    ]

    /// Intel DSA (8086:0b25, pciutils tests/pri-pasid) and the CXL SR-IOV PF 8086:0d93
    /// (pciutils tests/cap-dvsec-cxl).
    private static let intelAccelerators: [Entry] = [
        Entry(
            vendorID: 0x8086, deviceID: 0x0B25, offsets: [.ats: 0x220, .pasid: 0x230, .pri: 0x240],
            source: "Intel DSA 0b25: offsets from pciutils tests/pri-pasid (0f5b941a)"),
        Entry(
            vendorID: 0x8086, deviceID: 0x0D93, offsets: [.ats: 0x6E0, .pri: 0xB20, .pasid: 0xB40],
            source: "Intel 0d93 CXL SR-IOV PF: offsets from pciutils tests/cap-dvsec-cxl (0f5b941a)"),
    ]

    // MARK: - AMD

    /// AMD GPUs put ATS, PRI and PASID at 0x2B0, 0x2C0 and 0x2D0 (docs/placement.md, Built-in entries): Fiji
    /// (1002:7300, pciutils tests/cap-rebar) and Navi 10 (1002:731f, an lspci dump posted to
    /// amd-gfx on 2020-12-10, lore.kernel.org/amd-gfx/58E21FF244%25devspam@moreofthesa.me.uk/).
    private static let amdGPUs: [Entry] = [
        Entry(
            vendorID: 0x1002, deviceID: 0x7300, offsets: [.ats: 0x2B0, .pri: 0x2C0, .pasid: 0x2D0],
            source: "AMD Fiji 7300: offsets from pciutils tests/cap-rebar (0f5b941a)"),
        Entry(
            vendorID: 0x1002, deviceID: 0x731F, offsets: [.ats: 0x2B0, .pri: 0x2C0, .pasid: 0x2D0],
            source: "AMD Navi 10 731f: offsets from an lspci dump on amd-gfx, 2020-12-10"),
    ]

    // MARK: - Emulex / Broadcom be2net

    /// The configuration registers the be2net driver uses outside every capability
    /// (Linux drivers/net/ethernet/emulex/benet/be_hw.h): PCICFG_PM_CONTROL 0x44,
    /// SLI_INTF 0x58, SLIPORT_SEMAPHORE (Skyhawk) 0x94, UE status and masks 0xA0-0xAC,
    /// PCICFG_ONLINE0/1 0xB0/0xB4, MEMBAR_CTRL_INT_CTRL 0xFC. These are why vfio-pci passes
    /// unassigned configuration space through raw (commit a7d1ea1c11b3). Device IDs from
    /// be.h and the driver's be_dev_ids table: BE2/BE3 (19a2:0211, 0221, 0700, 0710), Lancer
    /// (10df:e220, VF e228), Skyhawk (10df:0720, VF 0728).
    private static let be2net: [Entry] = {
        let reserved = [
            ConfigRange(0x44, length: 4), ConfigRange(0x58, length: 4), ConfigRange(0x94, length: 4),
            ConfigRange(0xA0, length: 16), ConfigRange(0xB0, length: 8), ConfigRange(0xFC, length: 4),
        ]
        let devices: [(UInt16, UInt16)] = [
            (0x19A2, 0x0211), (0x19A2, 0x0221), (0x19A2, 0x0700), (0x19A2, 0x0710),
            (0x10DF, 0xE220), (0x10DF, 0xE228), (0x10DF, 0x0720), (0x10DF, 0x0728),
        ]
        return devices.map { vendor, device in
            Entry(
                vendorID: vendor, deviceID: device, reserved: reserved,
                source: "Emulex/Broadcom be2net hidden registers: Linux drivers/net/ethernet/emulex/benet/be_hw.h")
        }
    }()
}
