@testable import UVIO
#if canImport(Glibc)
import Glibc
#endif

/// Binds a listener on 127.0.0.1 (or ::1) with a system-chosen port.
func loopbackListener(ipv6: Bool = false, on loop: EventLoop) async throws -> TCPListener {
    try await TCPListener.bind(ipv6 ? .loopbackIPv6(port: 0) : .loopbackIPv4(port: 0), on: loop)
}

/// Connects a client to `listener` and accepts the server side of the same connection.
func connectedPair(_ listener: TCPListener, clientLoop: EventLoop? = nil) async throws -> (client: TCPStream, server: TCPStream) {
    async let client = TCPStream.connect(to: listener.localAddress, on: clientLoop ?? listener.loop)
    let server = try await listener.accept()
    return (try await client, server)
}

/// Checks `condition` on the loop thread until it holds or `limit` passes, and returns whether it
/// held: a bounded wait on the loop's own state, never a sleep standing in for an event. The first
/// checks are back to back; later ones wait a millisecond on the loop so a busy machine is not
/// spun harder.
func eventually(on loop: EventLoop, limit: Duration = .seconds(30), _ condition: @escaping @Sendable () -> Bool) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    var rounds = 0
    while clock.now < deadline {
        if try await onLoop(loop, condition) { return true }
        rounds += 1
        if rounds > 100 { try await loop.sleep(for: .milliseconds(1)) } else { await Task.yield() }
    }
    return try await onLoop(loop, condition)
}

/// A deterministic byte pattern of `count` bytes.
func pattern(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &+ ($0 >> 8)) }
}

/// FNV-1a over bytes, for checksums of large transfers.
struct Checksum {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    }
}

/// The open sockets of this process connected to or listening on `port`, from /proc: how tests
/// prove that no descriptor leaks, even while other tests run in parallel.
func openSocketCount(port: Int) -> Int {
    var inodes = Set<String>()
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        guard let text = try? readFile(table) else { continue }
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 9 else { continue }
            let ports = [fields[1], fields[2]].compactMap { $0.split(separator: ":").last.flatMap { Int($0, radix: 16) } }
            if ports.contains(port) { inodes.insert(String(fields[9])) }
        }
    }
    var count = 0
    guard let directory = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        var target = [CChar](repeating: 0, count: 256)
        let length = readlink("/proc/self/fd/\(name)", &target, 255)
        guard length > 0 else { continue }
        let link = String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if link.hasPrefix("socket:["), inodes.contains(String(link.dropFirst(8).dropLast())) { count += 1 }
    }
    return count
}

func readFile(_ path: String) throws -> String {
    guard let file = fopen(path, "r") else { throw UVError(code: -errno, context: path) }
    defer { fclose(file) }
    var bytes = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count <= 0 { break }
        bytes += chunk[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}
