import Model
import Views

/// `--dump-screen`: renders the explorer for a source without a terminal, after optional
/// scripted keys, as golden text, plain text or ANSI (for screenshots and CI checks).
enum ScreenDump {
    enum Format: String, CaseIterable {
        /// The golden snapshot form (text and style letters).
        case snapshot
        /// Characters only.
        case text
    }

    /// Parses `--keys` scripts: characters stand for themselves; `<tab>`, `<enter>`, `<down>`,
    /// `<up>`, `<left>`, `<right>`, `<pgdn>`, `<pgup>`, `<esc>`, `<f1>`...`<f12>` name keys.
    static func keys(_ script: String) -> [Key] {
        var keys = [Key]()
        var rest = Substring(script)
        let names: [String: Key] = [
            "tab": .tab, "btab": .backTab, "enter": .enter, "down": .down, "up": .up, "left": .left, "right": .right,
            "pgdn": .pageDown, "pgup": .pageUp, "esc": .escape, "home": .home, "end": .end, "bs": .backspace,
        ]
        while let first = rest.first {
            if first == "<", let close = rest.firstIndex(of: ">") {
                let name = rest[rest.index(after: rest.startIndex)..<close].lowercased()
                if let key = names[name] {
                    keys.append(key)
                } else if name.hasPrefix("f"), let number = Int(name.dropFirst()) {
                    keys.append(.function(number))
                } else {
                    keys.append(.character("<"))
                    rest = rest.dropFirst()
                    continue
                }
                rest = rest[rest.index(after: close)...]
            } else {
                keys.append(.character(first))
                rest = rest.dropFirst()
            }
        }
        return keys
    }

    /// The frame after applying `keys`, dispatched as the explorer does but without I/O: the
    /// simulator starts with BAR sizes unknown, exports are not written, nothing is re-read.
    static func frame(_ state: AppState, keys: [Key]) -> ScreenBuffer {
        var state = state
        for key in keys {
            dispatch(key, to: &state) { effect in
                switch effect {
                case .readBARSizes(let address): .simulator(.start(address, nil))
                case .reread, .export, .redraw, .quit: nil
                }
            }
        }
        return AppView.frame(state)
    }
}
