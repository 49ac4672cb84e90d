import Foundation
import Glibc
import Testing

/// What an oracle test needs from the machine, and the one rule for when it is missing.
///
/// Outside CI such a test is reported as skipped, naming what is missing. Under CI=true
/// (`.ci/run`: `make test` as root, with the corpus, lspci, tmux and QEMU installed) it runs
/// and `check` fails it, naming what is missing, so an oracle cannot silently drop out.
/// Use both: `@Test(.requires(.corpus, .lspci))` and `try Requirement.check(.corpus, .lspci)`
/// as the test's first line.
enum Requirement: Sendable, CustomStringConvertible {
    /// ../shared/corpus, the public dump corpus next to the package.
    case corpus
    case lspci
    case tmux
    case qemu
    /// strace, which watches the real binary's system calls (the read-only proof).
    case strace
    /// Root: reads all 4096 bytes and can drop to an unprivileged user with setpriv.
    case root
    /// This host's PCI devices in sysfs.
    case pciSysfs
    /// ../shared/tools/vfio_oracle with what it boots: a Debian kernel and busybox-static.
    case vfioOracle
    /// The .deb `make deb` builds (.build/deb/cfgtui_VERSION_ARCH.deb).
    case debPackage
    case lintian
    /// jq, which the man pages' examples pipe JSON into.
    case jq

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    var isMet: Bool {
        switch self {
        case .corpus: FileManager.default.fileExists(atPath: Tooling.corpus.path)
        case .lspci: FileManager.default.isExecutableFile(atPath: Tooling.lspciPath)
        case .tmux: FileManager.default.isExecutableFile(atPath: Tooling.tmuxPath)
        case .qemu: FileManager.default.isExecutableFile(atPath: Tooling.qemuPath)
        case .strace: FileManager.default.isExecutableFile(atPath: Tooling.stracePath)
        case .root: getuid() == 0
        case .pciSysfs: FileManager.default.fileExists(atPath: "/sys/bus/pci/devices")
        case .vfioOracle:
            FileManager.default.fileExists(atPath: Tooling.vfioOraclePath)
                && FileManager.default.fileExists(atPath: "/bin/busybox")
                && ((try? FileManager.default.contentsOfDirectory(atPath: "/boot")) ?? []).contains {
                    $0.hasPrefix("vmlinuz-")
                }
        case .debPackage: Tooling.debPackage.map { FileManager.default.fileExists(atPath: $0.path) } ?? false
        case .lintian: FileManager.default.isExecutableFile(atPath: Tooling.lintianPath)
        case .jq: FileManager.default.isExecutableFile(atPath: Tooling.jqPath)
        }
    }

    var description: String {
        switch self {
        case .corpus: "../shared/corpus (\(Tooling.corpus.path))"
        case .lspci: "\(Tooling.lspciPath) (Debian package pciutils)"
        case .tmux: "\(Tooling.tmuxPath) (Debian package tmux)"
        case .qemu: "\(Tooling.qemuPath) (Debian package qemu-system-x86)"
        case .strace: "\(Tooling.stracePath) (Debian package strace)"
        case .root: "root privileges (uid 0)"
        case .pciSysfs: "/sys/bus/pci/devices"
        case .vfioOracle:
            "\(Tooling.vfioOraclePath), /boot/vmlinuz-* and /bin/busybox (Debian packages linux-image-amd64, busybox-static)"
        case .debPackage: "\(Tooling.debPackage?.path ?? ".build/deb/cfgtui_VERSION_ARCH.deb") (make deb first)"
        case .lintian: "\(Tooling.lintianPath) (Debian package lintian)"
        case .jq: "\(Tooling.jqPath) (Debian package jq)"
        }
    }

    static func missing(_ requirements: [Requirement]) -> String {
        requirements.filter { !$0.isMet }.map(\.description).joined(separator: ", ")
    }

    /// Fails and stops the test when a requirement is missing. Only reachable then under CI=true,
    /// since `.requires` skips the test otherwise.
    static func check(_ requirements: Requirement..., sourceLocation: SourceLocation = #_sourceLocation) throws {
        let missing = Self.missing(requirements)
        try #require(
            missing.isEmpty, "missing: \(missing); with CI=true an oracle test must run, so this is a failure",
            sourceLocation: sourceLocation)
    }
}

extension Trait where Self == ConditionTrait {
    /// Enabled when every requirement is met, or under CI=true (where `Requirement.check` then
    /// fails the test); otherwise skipped, naming what is missing.
    static func requires(_ requirements: Requirement..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        let missing = Requirement.missing(requirements)
        return .enabled(
            if: missing.isEmpty || Requirement.isCI,
            "missing: \(missing) (with CI=true this is a failure, not a skip)", sourceLocation: sourceLocation)
    }
}
