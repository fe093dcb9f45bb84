import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process with its standard output read line by line, and its standard input held open
/// until `closeInput()`.
final class Spawned {
    let process = Process()
    private let output = Pipe()
    private let input = Pipe()
    private var pending: [UInt8] = []

    /// Starts `executable` with `arguments`, pinned to `cpus` with `taskset` (which execs it, so
    /// the process id is the program's own).
    init(_ executable: String, _ arguments: [String], cpus: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
        process.arguments = ["-c", cpus, executable] + arguments
        process.standardOutput = output
        process.standardInput = input
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// The next line of output, or nil when the process closed its output or `timeout` passed.
    func readLine(timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        let fd = output.fileHandleForReading.fileDescriptor
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let left = deadline - ContinuousClock.now
            if left <= .zero { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
            if poll(&poller, 1, Int32(min(milliseconds + 1, 1000))) <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(fd, &chunk, chunk.count)
            if count <= 0 { return nil }
            pending += chunk[..<count]
        }
    }

    /// Closes the child's standard input: the idle load generator lets its connections go.
    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// Sends SIGTERM and waits for the process to end.
    func terminate() {
        if process.isRunning { kill(pid, SIGTERM) }
        process.waitUntilExit()
    }

    /// The process's user and system CPU time so far, over all its threads (/proc/PID/stat).
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name start with field 3 (state); utime and stime are 14 and 15.
        let fields = stat[stat.index(after: afterName)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The process's resident memory in KiB (VmRSS in /proc/PID/status).
    func residentKiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Double(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        }
        return nil
    }
}
