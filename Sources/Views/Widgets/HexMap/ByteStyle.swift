import Model

/// The style of every byte in the map: the owner picks the role, the value flags inside it
/// (hexyl's two classifications: a non-zero unclaimed byte is a suspected hidden register),
/// and the cursor, the selected field and recent changes are layered on top by the map.
public enum ByteStyle {
    /// The style of a byte's owner, before overlays.
    public static func ownerStyle(at offset: Int, in analysis: FunctionAnalysis) -> CellStyle {
        style(for: analysis.map.owner(at: offset), offset: offset, in: analysis)
    }

    public static func style(for owner: ByteOwner, offset: Int, in analysis: FunctionAnalysis) -> CellStyle {
        switch owner {
        case .header:
            return CellStyle(.header)
        case .capability(let index):
            return capabilityStyle(index, in: analysis)
        case .possiblyCapability:
            return CellStyle(.possiblyOwned)
        case .unclaimed:
            let value = analysis.space.byte(at: offset) ?? 0
            return value == 0 ? CellStyle(.gap) : CellStyle(.hiddenRegister, [.bold])
        case .alias:
            return CellStyle(.alias)
        case .unreadable:
            return CellStyle(.unreadable)
        }
    }

    /// A capability's colour slot: its position in its own list, so each instance along a
    /// chain has its own colour and the two chains use different roles.
    public static func capabilityStyle(_ index: Int, in analysis: FunctionAnalysis) -> CellStyle {
        guard analysis.capabilities.indices.contains(index) else { return CellStyle(.plain) }
        let capability = analysis.capabilities[index]
        return capability.space == .standard
            ? CellStyle(.standardCapability(capability.index)) : CellStyle(.extendedCapability(capability.index))
    }

    /// The short owner label for legends and the owner column.
    public static func label(for owner: ByteOwner, in analysis: FunctionAnalysis) -> String {
        switch owner {
        case .header: return "hdr"
        case .capability(let index):
            guard analysis.capabilities.indices.contains(index) else { return "?" }
            return analysis.capabilities[index].definition.abbreviation
        case .possiblyCapability(let index):
            guard analysis.capabilities.indices.contains(index) else { return "?" }
            return analysis.capabilities[index].definition.abbreviation + "?"
        case .unclaimed: return "gap"
        case .alias: return "alias"
        case .unreadable: return "unread"
        }
    }
}
