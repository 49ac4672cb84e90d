import Glibc

/// What the process is given by its environment: variables and the processors it may use, in
/// Glibc calls (the executable does not link Foundation's ProcessInfo).
enum ProcessEnvironment {
    /// The environment variable's value; nil when it is not set.
    static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// The processors online (at least 1): how many workers the commands that decode every
    /// function in parallel start.
    static var processorCount: Int {
        max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }
}
