import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process for the interoperability tests: `uvio` or a peer that is not ours (socat,
/// Python), with a watchdog so that no test can hang: past its time limit the child is killed.
///
/// Started with `posix_spawn` and close-on-exec pipes, so that children started by tests running
/// in parallel never inherit each other's pipes (which would keep an end of file from arriving).
final class Subprocess: @unchecked Sendable {
    // Safe: each instance is used by one test; the watchdog only signals the child.
    let pid: pid_t
    let name: String
    private var outputFD: Int32 = -1
    private var errorFD: Int32
    private var outputText = [UInt8]()
    private var errorText = [UInt8]()
    private let watchdog: DispatchWorkItem
    private var status: Int32?

    /// Starts `executable` with `arguments`. Standard input comes from `stdinPath` (or
    /// /dev/null); standard output goes to `stdoutPath`, or to a pipe that `waitForLine` and
    /// `stdout` read; standard error always to a pipe.
    init(
        _ executable: String, _ arguments: [String], stdinPath: String? = nil, stdoutPath: String? = nil,
        timeLimit: Duration = .seconds(60)
    ) throws {
        name = ([URL(fileURLWithPath: executable).lastPathComponent] + arguments).joined(separator: " ")
        spawnLock.lock()
        defer { spawnLock.unlock() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
        var childEnds: [Int32] = []
        if let stdoutPath {
            posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        } else {
            let (read, write) = try Self.pipe()
            outputFD = read
            childEnds.append(write)
            posix_spawn_file_actions_adddup2(&actions, write, 1)
        }
        let (read, write) = try Self.pipe()
        errorFD = read
        childEnds.append(write)
        posix_spawn_file_actions_adddup2(&actions, write, 2)

        // A child starts with no signal blocked and the default action for the signals the tests
        // send, whatever the test runner has set up for itself.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        for number in [SIGINT, SIGTERM, SIGPIPE] { sigaddset(&signals, number) }
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var child: pid_t = 0
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        for fd in childEnds { close(fd) }
        guard result == 0 else { throw Failure("posix_spawn \(executable): \(String(cString: strerror(result)))") }
        pid = child
        watchdog = DispatchWorkItem { kill(child, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit.seconds, execute: watchdog)
    }

    /// A pipe whose ends are closed on exec; made and used under `spawnLock`, so that no other
    /// spawn sees it before the flag is set.
    private static func pipe() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw Failure("pipe failed") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            _ = wait()
        }
        if outputFD >= 0 { close(outputFD) }
        close(errorFD)
    }

    /// Reads the child's standard output (or error) until a complete line containing `prefix`
    /// arrives, and returns it; throws if the stream ends first. Blocks in `read`, so it never
    /// sleeps and returns as soon as the line is written.
    func waitForLine(startingWith prefix: String, onStandardError: Bool = false) throws -> String {
        while true {
            let text = String(decoding: onStandardError ? errorText : outputText, as: UTF8.self)
            let complete = text.lastIndex(of: "\n").map { text[...$0] } ?? ""
            if let line = complete.split(separator: "\n").first(where: { $0.contains(prefix) }) { return String(line) }
            let fd = onStandardError ? errorFD : outputFD
            guard fd >= 0, readChunk(fd, onStandardError: onStandardError) > 0 else {
                throw Failure("\(name) ended before printing \(prefix): \(text) \(stderr)")
            }
        }
    }

    private func readChunk(_ fd: Int32, onStandardError: Bool) -> Int {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = read(fd, &chunk, chunk.count)
        if count > 0 {
            if onStandardError { errorText += chunk[..<count] } else { outputText += chunk[..<count] }
        }
        return count
    }

    /// Reads the child's output to its end, waits for it to exit and returns its exit status
    /// (128 + the signal's number when a signal ended it).
    @discardableResult
    func wait() -> Int32 {
        if let status { return status }
        var open = [outputFD, errorFD].filter { $0 >= 0 }
        while !open.isEmpty {
            var polled = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&polled, nfds_t(polled.count), -1) > 0 else { continue }
            for entry in polled where entry.revents != 0 {
                if readChunk(entry.fd, onStandardError: entry.fd == errorFD) <= 0 { open.removeAll { $0 == entry.fd } }
            }
        }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0, errno == EINTR {}
        watchdog.cancel()
        let code = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        status = code
        return code
    }

    /// Sends `signal` (SIGINT, SIGTERM) to the child.
    func send(_ signal: Int32) { kill(pid, signal) }

    var stdout: String { String(decoding: outputText, as: UTF8.self) }
    var stderr: String { String(decoding: errorText, as: UTF8.self) }
}

/// Serializes making pipes and spawning (see `Subprocess.pipe()`).
private let spawnLock = NSLock()

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The `uvio` binary that `swift build` put next to this test bundle.
let uvioPath: String = {
    let bundleDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    return bundleDirectory.appendingPathComponent("uvio").path
}()

/// Where a program is, on the PATH; nil when it is not installed.
func which(_ program: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(directory)/\(program)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// A fresh path in the temporary directory.
func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "uvio-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)"
}

/// Writes `count` pseudo-random bytes to a new temporary file and returns its path.
func randomFile(_ count: Int, name: String) throws -> String {
    var generator = SystemRandomNumberGenerator()
    var bytes = [UInt8](repeating: 0, count: count)
    for index in stride(from: 0, to: count, by: 8) {
        withUnsafeBytes(of: generator.next() as UInt64) { word in
            for offset in 0..<min(8, count - index) { bytes[index + offset] = word[offset] }
        }
    }
    let path = temporaryPath(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// Size and FNV-1a checksum of a file, for short failure messages.
func checksum(_ path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { return "missing" }
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    return "\(data.count) bytes, fnv1a \(String(value, radix: 16))"
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
