internal import CLibUV
import Testing

@testable import UVIO

#if canImport(Glibc)
import Glibc
#endif

/// Whether the stress tests run at full size: `UVIO_STRESS=full` (what `make stress` sets).
let fullStress = getenv("UVIO_STRESS").map { String(cString: $0) } == "full"

/// Picks the full or the scaled-down size of a stress test.
func stressSize<T>(full: T, scaled: T) -> T { fullStress ? full : scaled }

/// Raises the soft descriptor limit to the hard one, and both to `atLeast` where the process may
/// (as root); returns the soft limit now in force.
@discardableResult
func raiseDescriptorLimit(atLeast wanted: Int = 0) -> Int {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    if limit.rlim_max < rlim_t(wanted) {
        var raised = limit
        raised.rlim_max = rlim_t(wanted)
        raised.rlim_cur = rlim_t(wanted)
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return wanted }
    }
    if limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
    return Int(limit.rlim_cur)
}

/// Runs blocking work on a thread of its own, so that no thread of the cooperative pool waits.
func onThread<R: Sendable>(_ body: @escaping @Sendable () -> R) async -> R {
    await withCheckedContinuation { continuation in
        LoopThread.startDetached(name: "uvio-test-wait") { continuation.resume(returning: body()) }
    }
}

/// A child process whose standard output and error come to us through one pipe.
///
/// Its standard input is /dev/null. Lines are read with a deadline, never by sleeping; a child
/// that outlives `finish(timeout:)` is killed.
final class ChildProcess: Sendable {
    let pid: pid_t
    let arguments: [String]
    private let output: Int32
    /// Output read but not yet returned as a line, and everything read so far.
    private let buffers = LockedValue<(pending: [UInt8], transcript: [UInt8])>(([], []))

    /// Starts `arguments[0]` (searched in PATH) with the rest as its arguments.
    init(_ arguments: [String]) throws {
        self.arguments = arguments
        var fds: [Int32] = [0, 0]
        // uv_pipe sets close-on-exec atomically, so no other test's child inherits the pipe.
        try UVError.check(uv_pipe(&fds, 0, 0), "uv_pipe")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let result = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        close(fds[1])
        guard result == 0 else {
            close(fds[0])
            throw UVError(code: -result, context: "spawn \(arguments[0])")
        }
        self.pid = pid
        output = fds[0]
    }

    /// Runs a command to its end and returns its exit status and output.
    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> (
        status: Int32, output: String
    ) {
        try await ChildProcess(arguments).finish(timeout: timeout)
    }

    /// The next line of output without its newline; nil at the end of the output or once
    /// `timeout` has passed.
    func readLine(timeout: Duration) async -> String? {
        await onThread { [self] in
            let deadline = ContinuousClock.now + timeout
            while true {
                let line = buffers.withLock { buffers -> String? in
                    guard let newline = buffers.pending.firstIndex(of: 10) else { return nil }
                    defer { buffers.pending.removeSubrange(...newline) }
                    return String(decoding: buffers.pending[..<newline], as: UTF8.self)
                }
                if let line { return line }
                guard readMore(until: deadline) else { return nil }
            }
        }
    }

    /// Reads the rest of the output, waits for the child to exit (killing it once `timeout` has
    /// passed) and returns its exit status (128 + the signal if one ended it) and all its output.
    func finish(timeout: Duration) async -> (status: Int32, output: String) {
        await onThread { [self] in
            let deadline = ContinuousClock.now + timeout
            while readMore(until: deadline) {}
            if ContinuousClock.now >= deadline { kill(pid, SIGKILL) }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            close(output)
            let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            return (code, String(decoding: buffers.withLock { $0.transcript }, as: UTF8.self))
        }
    }

    /// Reads what output is there, waiting until `deadline`; false at the end of the output or
    /// at the deadline. Blocking: call it on a thread of its own.
    private func readMore(until deadline: ContinuousClock.Instant) -> Bool {
        let remaining = deadline - .now
        guard remaining > .zero else { return false }
        var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
        let milliseconds =
            remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
        let ready = poll(&descriptor, 1, Int32(clamping: milliseconds + 1))
        if ready < 0 { return errno == EINTR }
        if ready == 0 { return ContinuousClock.now < deadline }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(output, &chunk, chunk.count)
        guard count > 0 else { return false }
        buffers.withLock { buffers in
            buffers.pending += chunk[..<count]
            buffers.transcript += chunk[..<count]
        }
        return true
    }
}

/// The path of an executable built next to the test bundle, such as `ReliabilityProbes`.
func builtExecutable(_ name: String) -> String? {
    var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &target, Int(PATH_MAX))
    guard length > 0 else { return nil }
    var directory = String(decoding: target[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // The bundle is `<build>/UVIOPackageTests.xctest`; the executables are in `<build>`.
    while let slash = directory.lastIndex(of: "/") {
        directory = String(directory[..<slash])
        let path = directory + "/" + name
        if access(path, X_OK) == 0 { return path }
        if directory.hasSuffix("/.build") || directory.isEmpty { break }
    }
    return nil
}

/// Runs one scenario of `ReliabilityProbes` in a child process, with `environment` (`NAME=value`)
/// added, and returns the `key=value` pairs of its `RESULT` line; records an issue with the whole
/// output when there is none.
func runProbe(
    _ arguments: [String], environment: [String] = [], timeout: Duration = .seconds(90)
) async throws -> [String: String] {
    let probe = try #require(builtExecutable("ReliabilityProbes"), "ReliabilityProbes is built with the tests")
    let (status, output) = try await ChildProcess.run(["env"] + environment + [probe] + arguments, timeout: timeout)
    guard status == 0, let line = output.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }) else {
        Issue.record("probe \(arguments) exited with \(status):\n\(output)")
        return [:]
    }
    var fields: [String: String] = [:]
    for pair in line.dropFirst(7).split(separator: " ") {
        let parts = pair.split(separator: "=", maxSplits: 1)
        if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
    }
    return fields
}

/// The sanitizer the test process was built with, if any: its runtime's entry point is there.
let activeSanitizer: String? = {
    if dlsym(nil, "__tsan_init") != nil { return "ThreadSanitizer" }
    if dlsym(nil, "__asan_init") != nil { return "AddressSanitizer" }
    return nil
}()

/// Cancels the running test with `reason`, printed as well, for a check this machine or build
/// cannot make.
func cancelTest(_ reason: String) throws -> Never {
    print("skipped: \(reason)")
    try Test.cancel(Comment(rawValue: reason))
}
