import UVIO

#if canImport(Glibc)
import Glibc
#endif

enum Probes {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: Running out of descriptors while accepting

    /// Lowers the descriptor limit, fills every free descriptor, connects a client (the kernel
    /// completes the handshake, the listener cannot accept it), then frees the descriptors and
    /// checks that the listener serves new connections and that the loop shuts down cleanly.
    static func emfile() async throws {
        let loop = EventLoop(name: "probe-emfile")
        let listener = try await TCPListener.bind(.loopbackIPv4(port: 0), on: loop)
        try await echo(through: listener, on: loop, size: 1024)

        // A client socket made before the descriptors run out.
        let victim = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(victim, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = rlim_t(highestDescriptor() + 32)
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw Failure("setrlimit: \(errno)") }
        var fillers: [Int32] = []
        while true {
            let fd = dup(victim)
            if fd < 0 { break }
            fillers.append(fd)
        }
        guard errno == EMFILE else { throw Failure("dup stopped with errno \(errno), not EMFILE") }

        // The kernel completes the handshake; accept(2) fails with EMFILE in the loop. libuv
        // then closes its reserve descriptor, accepts and closes what waits, and goes on.
        let connected = withSockAddr(listener.localAddress) { connect(victim, $0, $1) }
        guard connected == 0 else { throw Failure("connect while out of descriptors: errno \(errno)") }
        var byte: UInt8 = 0
        let received = recv(victim, &byte, 1, 0)
        let victimSaw =
            received == 0
            ? "eof"
            : received < 0 && errno == ECONNRESET
                ? "reset"
                : received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? "timeout" : "data"
        let survived = listener.survivedErrorCount

        for fd in fillers { close(fd) }
        close(victim)
        // Accept resumes: new connections are served as before.
        for _ in 0..<3 { try await echo(through: listener, on: loop, size: 64 * 1024) }
        await listener.close()
        try await loop.shutdown()
        guard victimSaw == "eof" || victimSaw == "reset" || victimSaw == "timeout" else {
            throw Failure("the connection made while out of descriptors received data")
        }
        print("RESULT ok fillers=\(fillers.count) victim=\(victimSaw) survived=\(survived) served_after=3")
    }

    // MARK: A loop made with no descriptor free

    /// Takes every free descriptor, then makes a loop: libuv cannot create its epoll descriptor,
    /// so the loop starts closed and its calls throw `loopShutDown` naming the cause. Once the
    /// descriptors are free again, a new loop serves.
    static func loopWithoutDescriptors() async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let saved = limit
        limit.rlim_cur = rlim_t(highestDescriptor() + 32)
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw Failure("setrlimit: \(errno)") }
        var fillers: [Int32] = []
        while true {
            let fd = dup(0)
            if fd < 0 { break }
            fillers.append(fd)
        }
        guard errno == EMFILE else { throw Failure("dup stopped with errno \(errno), not EMFILE") }

        let loop = EventLoop(name: "probe-nofd")
        var executeError: UVError?
        do { try loop.execute {} } catch { executeError = error }
        var bindError: (any Error)?
        do { _ = try await TCPListener.bind(.loopbackIPv4(port: 0), on: loop) } catch { bindError = error }
        try await loop.shutdown()

        for fd in fillers { close(fd) }
        var restored = saved
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &restored)
        let healthy = EventLoop(name: "probe-fd-back")
        let listener = try await TCPListener.bind(.loopbackIPv4(port: 0), on: healthy)
        try await echo(through: listener, on: healthy, size: 1024)
        await listener.close()
        try await healthy.shutdown()

        let cause = ["uv_loop_init", "uv_async_init"].first { "\(executeError.map { "\($0)" } ?? "")".contains($0) }
        print("RESULT ok fillers=\(fillers.count) execute=\(name(of: executeError)) cause=\(cause ?? "none")",
              "bind=\(name(of: bindError)) after=served")
    }

    /// `loopShutDown` for that error, `none` for no error, `other` for any other.
    private static func name(of error: (any Error)?) -> String {
        guard let error else { return "none" }
        return error as? UVError == .loopShutDown ? "loopShutDown" : "other"
    }

    // MARK: Descriptors

    /// Runs rounds of connections, failures and shutdowns with connections still open, and
    /// checks that the count of open descriptors comes back to where it started after each.
    static func descriptors(rounds: Int) async throws {
        try await descriptorRound()  // warm-up: the runtime's own lazily opened descriptors
        let before = openDescriptors()
        var after: [Int] = []
        for _ in 0..<rounds {
            try await descriptorRound()
            after.append(openDescriptors())
        }
        guard after.allSatisfy({ $0 == before }) else {
            throw Failure("open descriptors \(before) before, \(after) after each round")
        }
        print("RESULT ok before=\(before) after=\(after.last ?? before) rounds=\(rounds)")
    }

    private static func descriptorRound() async throws {
        let loop = EventLoop(name: "probe-fds")
        let listener = try await TCPListener.bind(.loopbackIPv4(port: 0), on: loop)
        for _ in 0..<20 { try await echo(through: listener, on: loop, size: 4096) }
        // Refused: bind, learn the port, close.
        let closed = try await TCPListener.bind(.loopbackIPv4(port: 0), on: loop)
        let refusedAddress = closed.localAddress
        await closed.close()
        do {
            _ = try await TCPStream.connect(to: refusedAddress, on: loop)
            throw Failure("connect to a closed port succeeded")
        } catch UVError.connectionRefused {}
        // Reset, and streams dropped without close.
        async let accepted = listener.accept()
        let client = try await TCPStream.connect(to: listener.localAddress, on: loop)
        let server = try await accepted
        await client.closeWithReset()
        _ = try? await server.read(maxBytes: 1)
        for _ in 0..<10 {
            async let dropped = listener.accept()
            _ = try await TCPStream.connect(to: listener.localAddress, on: loop)
            _ = try await dropped
        }
        // Shut down with connections open and a read pending. The client is on a loop of its
        // own, so that the pending read cannot end with its close.
        let clientLoop = EventLoop(name: "probe-fds-client")
        async let open = listener.accept()
        let kept = try await TCPStream.connect(to: listener.localAddress, on: clientLoop)
        let keptServer = try await open
        let pending = Task { try await keptServer.read(maxBytes: 1) }
        try await loop.shutdown()
        do {
            let bytes = try await pending.value
            throw Failure("a read pending at shutdown returned \(bytes)")
        } catch UVError.loopShutDown {
        } catch UVError.closed {}
        try await clientLoop.shutdown()
        _ = (kept, server)
    }

    // MARK: Memory

    /// Runs rounds of 32 connections each echoing 64 KiB on a fresh loop, and prints the
    /// resident memory after each. The floor (minimum) of each third of the rounds is reported:
    /// the allocator's caches make single samples jump by megabytes, but a leak raises the floor.
    static func memory(rounds: Int) async throws {
        var samples: [Int] = []
        for _ in 0..<rounds {
            let loop = EventLoop(name: "probe-memory")
            let listener = try await TCPListener.bind(.loopbackIPv4(port: 0), on: loop)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<32 {
                    group.addTask { try await echo(through: listener, on: loop, size: 64 * 1024) }
                }
                try await group.waitForAll()
            }
            await listener.close()
            try await loop.shutdown()
            samples.append(residentKiB())
        }
        let third = max(rounds / 3, 1)
        let early = samples.dropFirst(third).prefix(third).min() ?? 0
        let late = samples.suffix(third).min() ?? 0
        print("rss_kib \(samples.map(String.init).joined(separator: " "))")
        print("RESULT ok rounds=\(rounds) early_kib=\(early) late_kib=\(late)")
    }

    // MARK: Many clients

    /// Opens `count` connections to 127.0.0.1:`port` at once, each sending `size` bytes of a
    /// pattern, half-closing and checking that the same bytes come back. A process of its own, so
    /// that the clients' descriptors do not count against the server's limit.
    static func echoClients(port: Int, count: Int, size: Int) async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        guard Int(limit.rlim_cur) > count + 64 else {
            throw Failure("descriptor limit \(limit.rlim_cur) < \(count + 64)")
        }
        let loop = EventLoop(name: "probe-clients")
        let block = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let address = SocketAddress.loopbackIPv4(port: UInt16(port))
        let echoed = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<count {
                group.addTask(executorPreference: loop) {
                    let stream = try await TCPStream.connect(to: address, timeout: .seconds(60), on: loop)
                    try await stream.writeAll(block)
                    try await stream.shutdownWrite()
                    let back = try await stream.readToEnd(limit: size)
                    await stream.close()
                    return back == block
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        try await loop.shutdown()
        print("RESULT ok connections=\(count) echoed=\(echoed)")
    }

    // MARK: Helpers

    /// Connects to `listener`, sends `size` bytes, reads them back from an echoing server side.
    static func echo(through listener: TCPListener, on loop: EventLoop, size: Int) async throws {
        let data = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        async let accepted = listener.accept()
        let client = try await TCPStream.connect(to: listener.localAddress, on: loop)
        let server = try await accepted
        async let echoed: Void = {
            _ = try await copy(from: server, to: server)
            await server.close()
        }()
        try await client.writeAll(data)
        try await client.shutdownWrite()
        let back = try await client.readToEnd(limit: size)
        try await echoed
        await client.close()
        guard back == data else { throw Failure("echo of \(size) bytes came back as \(back.count) different bytes") }
    }

    static func openDescriptors() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return -1 }
        defer { closedir(directory) }
        var count = -1  // the directory's own descriptor
        while readdir(directory) != nil { count += 1 }
        return count - 2  // "." and ".."
    }

    static func highestDescriptor() -> Int32 {
        var highest: Int32 = 2
        for fd in 0..<Int32(65536) where fcntl(fd, F_GETFD) >= 0 { highest = fd }
        return highest
    }

    static func residentKiB() -> Int {
        guard let file = fopen("/proc/self/status", "r") else { return -1 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, 256, file) != nil {
            let text = String(decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmRSS:") { return Int(text.split(separator: " ")[1]) ?? -1 }
        }
        return -1
    }

    static func withSockAddr(_ address: SocketAddress, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var storage = sockaddr_in()
        storage.sin_family = sa_family_t(AF_INET)
        storage.sin_port = UInt16(address.port).bigEndian
        storage.sin_addr.s_addr = inet_addr(address.ipAddress)
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
