import Testing
@testable import UVIO
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket that never accepts, with its kernel queue already full, so that a further
/// connect waits for a SYN-ACK that never comes: the local stand-in for an unreachable host.
final class FullBacklogListener {
    let fd: Int32
    let port: Int
    private var fillers: [Int32] = []

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        listen(fd, 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        // Fill the queue: with a backlog of 0 Linux completes one handshake, then drops SYNs.
        for _ in 0..<2 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, length) } }
            fillers.append(filler)
        }
    }

    deinit {
        for filler in fillers { close(filler) }
        close(fd)
    }
}

@Suite("TCP connect", .timeLimit(.minutes(1)))
struct TCPConnectTests {
    @Test func connectByHostNameAndPort() async throws {
        try await withLoop { loop in
            let listener = try await TCPListener.bind(host: "127.0.0.1", port: 0, on: loop)
            async let accepted = listener.accept()
            let stream = try await TCPStream.connect(host: "localhost", port: listener.localAddress.port,
                                                     timeout: .seconds(30), on: loop)
            let server = try await accepted
            #expect(stream.peerAddress.port == listener.localAddress.port)
            await stream.close(); await server.close(); await listener.close()
        }
    }

    @Test func connectTimesOutAndLeavesNoSocket() async throws {
        try await withLoop { loop in
            let unreachable = try FullBacklogListener()
            let clock = ContinuousClock()
            let start = clock.now
            await #expect(throws: UVError.timedOut) {
                try await TCPStream.connect(to: .loopbackIPv4(port: UInt16(unreachable.port)), timeout: .milliseconds(200), on: loop)
            }
            #expect(clock.now - start >= .milliseconds(200))
            #expect(try await eventually(on: loop) { loop.openResourceCount == 0 })
            await #expect(throws: UVError.timedOut) {
                try await TCPStream.connect(host: "127.0.0.1", port: unreachable.port, timeout: .milliseconds(100), on: loop)
            }
            _ = unreachable
        }
    }

    @Test func cancellingAConnectClosesTheSocket() async throws {
        try await withLoop { loop in
            let unreachable = try FullBacklogListener()
            let attempt = Task { try await TCPStream.connect(to: .loopbackIPv4(port: UInt16(unreachable.port)), on: loop) }
            #expect(try await eventually(on: loop) { loop.openResourceCount == 1 })
            attempt.cancel()
            await #expect(throws: CancellationError.self) { try await attempt.value }
            #expect(try await eventually(on: loop) { loop.openResourceCount == 0 })
            _ = unreachable
        }
    }

    @Test func badPortAndUnknownHostAreNamedErrors() async throws {
        try await withLoop { loop in
            await #expect(throws: UVError.portOutOfRange) { try await TCPStream.connect(host: "localhost", port: 70_000, on: loop) }
            await #expect(throws: UVError.portOutOfRange) { try await TCPStream.connect(host: "localhost", port: -1, on: loop) }
            await #expect(throws: UVError.self) { try await TCPStream.connect(host: "no-such-host.invalid", port: 80, on: loop) }
        }
    }
}
