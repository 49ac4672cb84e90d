/// The built-in demo set (being made from QEMU device models; empty until then).
public enum DemoSet {
    /// The demo functions.
    public static func functions() -> [DumpedFunction] { [] }
}
