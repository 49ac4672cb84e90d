// cfgtui: a terminal explorer for PCI/PCIe configuration space. GPL-2.0-or-later.
import ArgumentParser
import Glibc
import Views

// ArgumentParser's own main, except that its messages go through TerminalSafety: a usage
// error can quote a file name or a value, and those can hold control characters.
do {
    var command = try CfgTUICommand.parseAsRoot()
    try command.run()
} catch {
    let code = CfgTUICommand.exitCode(for: error)
    let message = CfgTUICommand.fullMessage(for: error)
    if code == .success {
        // Help and --version: our own text, on stdout.
        if !message.isEmpty {
            var buffer = OutputBuffer(capacity: message.utf8.count + 1)
            buffer.append(message + "\n")
            StandardOutput.write(buffer)
        }
    } else if !message.isEmpty {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map {
            TerminalSafety.escaped(String($0))
        }
        StandardOutput.raw(lines.joined(separator: "\n") + "\n")
    }
    exit(code.rawValue)
}
