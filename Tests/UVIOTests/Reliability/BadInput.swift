import Testing

@testable import UVIO

#if canImport(Glibc)
import Glibc
#endif

/// Bad input tried systematically: random chunkings over real sockets, malformed addresses,
/// ports out of range, negative and huge sizes, use after close and calls from the wrong thread.
/// Each must be a named error, with the loop and a healthy connection beside it unharmed.
@Suite("Reliability: bad input", .timeLimit(.minutes(2)))
struct ReliabilityBadInputTests {
    // MARK: Random chunking over real sockets

    /// One read of a script: what the helpers are asked for.
    enum Read: Sendable {
        case line(maxLength: Int)
        case until(UInt8, maxLength: Int)
        case exact(Int)
    }

    /// The same byte stream, written to a real socket in random pieces, gives the same results
    /// for the same script of `readLine` / `readUntil` / `readExact` as the whole stream read
    /// from memory at once. 40 seeded cases; a failure names its seed.
    @Test func randomChunkingOverSocketsNeverChangesHelperResults() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            for seed in 0..<40 as Range<UInt64> {
                var random = SplitMix64(seed: seed)
                let alphabet: [UInt8] = Array("ab\r\n\0".utf8) + [0xff, 0xc3]
                let data = (0..<Int.random(in: 0...6000, using: &random)).map { _ in
                    alphabet.randomElement(using: &random)!
                }
                let script: [Read] = (0..<Int.random(in: 1...60, using: &random)).map { _ in
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: .line(maxLength: [8, 64, 64 * 1024].randomElement(using: &random)!)
                    case 1:
                        .until(
                            alphabet.randomElement(using: &random)!,
                            maxLength: [5, 100, 1 << 20].randomElement(using: &random)!)
                    default: .exact(Int.random(in: 0...300, using: &random))
                    }
                }
                let pieces = Self.split(data, using: &random)
                let expected = await Self.run(script, on: ChunkedReader(data, chunkSize: data.count + 1))
                let (client, server) = try await connectedPair(listener)
                try await client.setNoDelay(true)
                async let writing: Void = {
                    for piece in pieces { try await client.write(piece) }
                    try await client.shutdownWrite()
                }()
                let actual = await Self.run(script, on: server)
                try await writing
                #expect(actual == expected, "seed \(seed): \(pieces.count) pieces")
                await client.close()
                await server.close()
            }
            await listener.close()
        }
    }

    private static func split(_ data: [UInt8], using random: inout SplitMix64) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var offset = 0
        while offset < data.count {
            let size = min(data.count - offset, [1, 2, 3, 17, 512, 4096].randomElement(using: &random)!)
            pieces.append(Array(data[offset..<offset + size]))
            offset += size
        }
        return pieces
    }

    /// Runs a script and writes down each outcome, errors by name and count.
    private static func run(_ script: [Read], on reader: some AsyncBufferedByteReader) async -> [String] {
        var outcomes: [String] = []
        for read in script {
            do {
                switch read {
                case .line(let maxLength):
                    outcomes.append("line \(String(describing: try await reader.readLineBytes(maxLength: maxLength)))")
                case .until(let byte, let maxLength):
                    outcomes.append("until \(try await reader.readUntil(byte, maxLength: maxLength))")
                case .exact(let count): outcomes.append("exact \(try await reader.readExact(count))")
                }
            } catch let error as UVError {
                outcomes.append("error \(error.name) \(error.bytesTransferred ?? -1)")
            } catch {
                outcomes.append("error \(error)")
            }
        }
        return outcomes
    }

    // MARK: Addresses and ports

    /// Every call that takes an address or a port as text or number: a malformed address is
    /// `malformedAddress`, a port outside 0...65535 is `portOutOfRange`, never a crash.
    @Test func malformedAddressesAndPortsOutOfRangeAreNamedErrors() async throws {
        try await withHealthyPair { loop, _ in
            for text in [
                "", " ", "127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:http", "256.0.0.1:80", "1.2.3:80",
                "::1:80", "[::1]", "[::1:80", "[127.0.0.1]:80", "[fe80::1%]:80", "[::1]x80", "localhost:80",
                "127.0.0.1:80\0", "127.0.0.1 :80", "[::1]:80:80", String(repeating: "1", count: 10_000),
            ] {
                #expect(throws: UVError.malformedAddress, "\(String(reflecting: text))") {
                    try SocketAddress(parsing: text)
                }
            }
            for text in ["127.0.0.1:65536", "127.0.0.1:-1", "[::1]:99999999999999999999999", "127.0.0.1:-0"] {
                #expect(throws: UVError.portOutOfRange, "\(text)") { try SocketAddress(parsing: text) }
            }
            for port in [-1, 65536, Int.min, Int.max] {
                #expect(throws: UVError.portOutOfRange) { try SocketAddress(ipAddress: "127.0.0.1", port: port) }
                await #expect(throws: UVError.portOutOfRange) {
                    try await TCPStream.connect(host: "127.0.0.1", port: port, timeout: .seconds(5), on: loop)
                }
                await #expect(throws: UVError.portOutOfRange) {
                    try await TCPListener.bind(host: "127.0.0.1", port: port, on: loop)
                }
                await #expect(throws: UVError.portOutOfRange) {
                    try await onThread { Result { try TCPClient(host: "127.0.0.1", port: port, on: loop) } }.get()
                }
            }
            for address in ["", "nonsense", "127.0.0.1", "127.0.0.1:70000"] {
                await #expect(throws: UVError.self) {
                    try await onThread { Result { try BlockingTCPListener(address, on: loop) } }.get()
                }
            }
            let socket = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            await #expect(throws: UVError.malformedAddress) { try await socket.send([1], to: "not an address") }
            await #expect(throws: UVError.portOutOfRange) { try await socket.send([1], to: "127.0.0.1:65536") }
            await #expect(throws: UVError.invalidArgument) {
                try await UDPSocket.connect(to: .loopbackIPv4(port: 0), on: loop)
            }
            await #expect(throws: UVError.invalidArgument) { try await socket.send([1], to: .loopbackIPv6(port: 9)) }
            await socket.close()
        }
    }

    // MARK: Sizes

    /// Negative sizes are `limitExceeded` (or `invalidArgument` where the call says so); a huge
    /// size allocates nothing up front and ends with the stream, with the count read.
    @Test func negativeAndHugeSizesAreNamedErrors() async throws {
        try await withHealthyPair { loop, listener in
            let (client, server) = try await connectedPair(listener)
            await #expect(throws: UVError.limitExceeded) { try await server.read(maxBytes: -1) }
            await #expect(throws: UVError.limitExceeded) { try await server.readExact(-1) }
            await #expect(throws: UVError.limitExceeded) { try await server.readLine(maxLength: -1) }
            await #expect(throws: UVError.limitExceeded) { try await server.readUntil(0, maxLength: -1) }
            await #expect(throws: UVError.limitExceeded) { try await server.readToEnd(limit: -1) }
            await #expect(throws: UVError.limitExceeded) { try await server.peek(maxBytes: -1) }
            await #expect(throws: UVError.invalidArgument) { try await copy(from: server, to: client, bufferSize: 0) }
            await #expect(throws: UVError.invalidArgument) {
                try await copyBidirectional(server, client, bufferSize: -5)
            }
            await #expect(throws: UVError.limitExceeded) {
                try await TCPListener.bind(.loopbackIPv4(port: 0), backlog: -1, on: loop)
            }
            await #expect(throws: UVError.limitExceeded) {
                try await TCPListener.bind(.loopbackIPv4(port: 0), backlog: .max, on: loop)
            }
            await #expect(throws: UVError.invalidArgument) { try await server.setKeepAlive(true, delay: .zero) }
            var configuration = UDPSocket.Configuration()
            configuration.maximumDatagramSize = -1
            await #expect(throws: UVError.limitExceeded) {
                try await UDPSocket.bind(.loopbackIPv4(port: 0), configuration: configuration, on: loop)
            }
            let socket = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            await #expect(throws: UVError.messageTooLong) {
                try await socket.send([UInt8](repeating: 0, count: 70_000), to: socket.localAddress)
            }
            // Huge counts: the stream ends long before; nothing of that size is allocated.
            try await client.write("abc")
            try await client.shutdownWrite()
            do {
                _ = try await server.readExact(Int.max)
                Issue.record("readExact(Int.max) returned")
            } catch let error as UVError {
                #expect(error == .unexpectedEndOfStream && error.bytesTransferred == 3)
            }
            #expect(try await server.readLine(maxLength: .max) == nil)
            #expect(try await server.readUntil(0, maxLength: .max) == [])
            let blocking = try await onThread {
                Result { try TCPClient(host: "127.0.0.1", port: listener.localAddress.port, on: loop) }
            }.get()
            await #expect(throws: UVError.self) {
                try await onThread { Result { try blocking.setTimeout(milliseconds: -1) } }.get()
            }
            await #expect(throws: UVError.limitExceeded) {
                try await onThread { Result { try blocking.read(maxBytes: -1) } }.get()
            }
            await #expect(throws: UVError.limitExceeded) {
                try await onThread { Result { try blocking.readExact(-1) } }.get()
            }
            try await onThread { Result { try blocking.close() } }.get()
            await socket.close()
            await client.close()
            await server.close()
        }
    }

    // MARK: Use after close

    /// Every call on a closed stream, listener or socket is `closed` (or `loopShutDown` once the
    /// loop is gone); closing again is not an error.
    @Test func useAfterCloseIsANamedError() async throws {
        try await withHealthyPair { loop, listener in
            let (client, server) = try await connectedPair(listener)
            await server.close()
            await server.close()
            await #expect(throws: UVError.closed) { try await server.read(maxBytes: 1) }
            await #expect(throws: UVError.closed) { try await server.readExact(1) }
            await #expect(throws: UVError.closed) { try await server.readLine() }
            await #expect(throws: UVError.closed) { try await server.write("x") }
            await #expect(throws: UVError.closed) { try await server.shutdownWrite() }
            await #expect(throws: UVError.closed) { try await server.setNoDelay(true) }
            await #expect(throws: UVError.closed) { try await server.setKeepAlive(true) }
            await client.close()
            let other = try await loopbackListener(on: loop)
            await other.close()
            await #expect(throws: UVError.closed) { try await other.accept() }
            let socket = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            await socket.close()
            await #expect(throws: UVError.closed) { try await socket.send([1], to: .loopbackIPv4(port: 9)) }
            await #expect(throws: UVError.closed) { try await socket.receive() }
            let blocking = try await onThread {
                Result { try TCPClient(host: "127.0.0.1", port: listener.localAddress.port, on: loop) }
            }.get()
            try await onThread { Result { try blocking.close() } }.get()
            await #expect(throws: UVError.closed) {
                try await onThread { Result { try blocking.read(maxBytes: 1) } }.get()
            }
            await #expect(throws: UVError.closed) { try await onThread { Result { try blocking.write("x") } }.get() }
            // A loop that has shut down refuses work with its own name for it.
            let finished = EventLoop(name: "uvio-finished")
            try await finished.shutdown()
            #expect(throws: UVError.loopShutDown) { try finished.execute {} }
            await #expect(throws: UVError.loopShutDown) {
                try await TCPListener.bind(.loopbackIPv4(port: 0), on: finished)
            }
            await #expect(throws: UVError.loopShutDown) {
                try await UDPSocket.bind(.loopbackIPv4(port: 0), on: finished)
            }
            await #expect(throws: UVError.loopShutDown) { try await finished.sleep(for: .milliseconds(1)) }
        }
    }

    // MARK: Wrong thread

    /// Blocking calls made on the loop's own thread would wait for themselves: each refuses with
    /// `wrongThread` and the loop goes on.
    @Test func callsFromTheLoopThreadAreRefused() async throws {
        try await withHealthyPair { loop, listener in
            let port = listener.localAddress.port
            let blocking = try await onThread { Result { try TCPClient(host: "127.0.0.1", port: port, on: loop) } }
                .get()
            let blockingListener = try await onThread { Result { try BlockingTCPListener("127.0.0.1:0", on: loop) } }
                .get()
            let outcomes: [String] = try await onLoop(loop) {
                let calls: [(String, () throws -> Void)] = [
                    ("syncShutdown", { try loop.syncShutdown() }),
                    ("TCPClient.init", { _ = try TCPClient(host: "127.0.0.1", port: port, on: loop) }),
                    ("TCPClient.read", { _ = try blocking.read(maxBytes: 1) }),
                    ("TCPClient.write", { _ = try blocking.write("x") }),
                    ("TCPClient.close", { try blocking.close() }),
                    ("BlockingTCPListener.init", { _ = try BlockingTCPListener("127.0.0.1:0", on: loop) }),
                    ("BlockingTCPListener.accept", { _ = try blockingListener.accept() }),
                ]
                return calls.map { name, call in
                    do {
                        try call()
                        return "\(name): returned"
                    } catch let error as UVError {
                        return error == .wrongThread ? "\(name): wrongThread" : "\(name): \(error)"
                    } catch {
                        return "\(name): \(error)"
                    }
                }
            }
            for outcome in outcomes { #expect(outcome.hasSuffix(": wrongThread"), "\(outcome)") }
            try await onThread {
                Result {
                    try blocking.close()
                    try blockingListener.close()
                }
            }.get()
        }
    }

    /// Runs `body` with a loop, a listener and a connected pair that must still echo afterwards:
    /// bad calls harm neither the loop nor other connections. Ends with the loop closed cleanly.
    private func withHealthyPair(_ body: (EventLoop, TCPListener) async throws -> Void) async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            try await body(loop, listener)
            try await client.write("still here\n")
            #expect(try await server.readLine() == "still here")
            try await server.write("and here\n")
            #expect(try await client.readLine() == "and here")
            await client.close()
            await server.close()
            await listener.close()
            #expect(try await eventually(on: loop) { loop.openResourceCount == 0 })
        }
    }
}
