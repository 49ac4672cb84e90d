import Foundation
import Testing

@testable import cfgtui

/// The Glibc calls that replaced Foundation in the executable, on real files in a temporary
/// directory: links as sysfs writes them, directory listings, file writes and their failures.
@Suite struct FileSystemTests {
    private static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "cfgtui-fs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func linksAreReadAsWrittenAndTheirLastComponentIsTheName() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createSymbolicLink(
            atPath: root + "/iommu_group", withDestinationPath: "../../../kernel/iommu_groups/17")
        #expect(FileSystem.linkTarget(root + "/iommu_group") == "../../../kernel/iommu_groups/17")
        #expect(FileSystem.lastComponent(of: "../../../kernel/iommu_groups/17") == "17")
        #expect(FileSystem.lastComponent(of: "a/0000:03:00.0/") == "0000:03:00.0")
        #expect(FileSystem.lastComponent(of: "plain") == "plain")
        // A dangling link still has a target; it does not exist.
        #expect(!FileSystem.exists(root + "/iommu_group"))
        // Not a link, or nothing there: nil.
        FileManager.default.createFile(atPath: root + "/file", contents: Data([1]))
        #expect(FileSystem.linkTarget(root + "/file") == nil)
        #expect(FileSystem.exists(root + "/file"))
        #expect(FileSystem.linkTarget(root + "/missing") == nil)
        // The longest target the kernel takes (PATH_MAX less its terminator) is read whole.
        let long = String(repeating: "d/", count: (FileSystem.linkLimit - 2) / 2) + "x"
        try FileManager.default.createSymbolicLink(atPath: root + "/long", withDestinationPath: long)
        #expect(FileSystem.linkTarget(root + "/long") == long)
    }

    @Test func directoryEntriesAreListedWithoutDotsAndBounded() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let names = (0..<20).map { "0000:00:\(String($0, radix: 16)).0" }
        for name in names { FileManager.default.createFile(atPath: root + "/" + name, contents: nil) }
        #expect(FileSystem.entries(of: root, limit: 100)?.sorted() == names.sorted())
        #expect(FileSystem.entries(of: root, limit: 5)?.count == 5)
        #expect(FileSystem.entries(of: root + "/missing", limit: 5) == nil)
        #expect(FileSystem.entries(of: root + "/" + names[0], limit: 5) == nil)
    }

    @Test func filesAreReplacedAndFailuresGiveTheSystemsReason() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/out.txt"
        try FileWriter.write(Array("first, longer text\n".utf8), to: path)
        try FileWriter.write(Array("second\n".utf8), to: path)
        #expect(try FileReader.readAll(path) == Array("second\n".utf8))
        #expect(throws: FileReader.Failure.self) { try FileWriter.write([1], to: root + "/missing/out.txt") }
        do {
            try FileWriter.write([1], to: root + "/missing/out.txt")
        } catch {
            #expect(error.reason == "No such file or directory")
        }
        do {
            try FileWriter.write([1, 2, 3], to: "/dev/full")
            Issue.record("a write to /dev/full succeeded")
        } catch {
            #expect(error.reason == "No space left on device")
        }
        #expect(FileWriter.currentDirectory() == FileManager.default.currentDirectoryPath)
    }

    @Test func environmentValuesAndProcessorsComeFromTheProcess() {
        setenv("CFGTUI_TEST_VALUE", "x=1", 1)
        defer { unsetenv("CFGTUI_TEST_VALUE") }
        #expect(ProcessEnvironment.value("CFGTUI_TEST_VALUE") == "x=1")
        #expect(ProcessEnvironment.value("CFGTUI_TEST_UNSET_VALUE") == nil)
        #expect(ProcessEnvironment.processorCount == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test(arguments: [
        (0.0, 3, "0.000"), (0.1236, 3, "0.124"), (12.0, 1, "12.0"), (2.6, 0, "3"), (1234.5678, 2, "1234.57"),
        (-1.06, 1, "-1.1"), (0.05, 2, "0.05"), (7.0009, 3, "7.001"), (999.9996, 3, "1000.000"),
    ])
    func benchTimingsAreRoundedToTheirDecimals(value: Double, digits: Int, text: String) {
        #expect(value.fixed(digits) == text)
        // printf's rounding agrees away from ties.
        #expect(value.fixed(digits) == String(format: "%.\(digits)f", value))
    }
}
