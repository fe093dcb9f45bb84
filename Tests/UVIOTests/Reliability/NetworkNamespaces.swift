import Testing

@testable import UVIO

#if canImport(Glibc)
import Glibc
#endif

/// A real network: a namespace of our own joined to the root namespace by a veth pair, with a
/// /29 of 10.213.0.0/16 used only on that pair (.1 on the root side, .2 in the namespace, .6
/// owned by nobody). The test process stays in the root namespace; peers run inside the
/// namespace as small Python programs that print their port and exit by themselves.
///
/// Tests skip, with the reason, where the machine refuses namespaces (not root, no `ip`), and the
/// impaired variants skip where `tc qdisc add ... netem` fails (a kernel without `sch_netem`).
@Suite("Reliability: network namespaces", .timeLimit(.minutes(3)))
struct ReliabilityNetworkNamespaceTests {
    /// A TCP echo across the veth pair: every byte comes back, in order.
    @Test func tcpTransferArrivesWhole() async throws {
        try await VethNamespace.with { network in
            try await echoTransfer(network, bytes: stressSize(full: 256 << 20, scaled: 16 << 20))
        }
    }

    /// The same under 5 % loss and 50 ms delay each way (netem on both ends).
    @Test func tcpTransferArrivesWholeUnderLossAndDelay() async throws {
        try await VethNamespace.with { network in
            try await network.impair("delay 50ms loss 5%")
            try await echoTransfer(network, bytes: stressSize(full: 8 << 20, scaled: 1 << 20), timeout: .seconds(150))
        }
    }

    /// Numbered datagrams from the namespace: each is received once and intact, or counted as
    /// dropped by UVIO's queue, by our socket's kernel buffer or by the veth pair.
    @Test func udpLossIsCountedExactly() async throws {
        try await VethNamespace.with { network in
            let (sent, received, missing, dropped) = try await datagrams(
                network, count: stressSize(full: 200_000, scaled: 20_000))
            #expect(received + missing == sent)
            #expect(missing == dropped, "\(missing) datagrams missing, \(dropped) counted as dropped")
        }
    }

    /// Under 5 % loss every datagram is still accounted for: the missing ones are exactly those
    /// not received, and the network lost about 5 % of them.
    @Test func udpLossIsCountedExactlyUnderLoss() async throws {
        try await VethNamespace.with { network in
            try await network.impair("loss 5%")
            let (sent, received, missing, dropped) = try await datagrams(
                network, count: stressSize(full: 200_000, scaled: 20_000))
            #expect(received + missing == sent)
            let lostInTheNetwork = missing - dropped
            #expect(lostInTheNetwork > sent / 50 && lostInTheNetwork < sent / 10, "\(lostInTheNetwork) of \(sent) lost")
        }
    }

    /// A connect to an address whose packets vanish (a permanent neighbour entry with a MAC no
    /// interface has) times out as asked, with `UVError.timedOut`, and leaves no socket behind.
    @Test func connectToABlackHoleTimesOutAsAsked() async throws {
        try await VethNamespace.with { network in
            try await withLoop { loop in
                let clock = ContinuousClock()
                let start = clock.now
                await #expect(throws: UVError.timedOut) {
                    try await TCPStream.connect(
                        to: SocketAddress(ipAddress: network.blackHole, port: 9),
                        timeout: .milliseconds(500), on: loop)
                }
                let elapsed = clock.now - start
                #expect(elapsed >= .milliseconds(500) && elapsed < .seconds(3), "timed out after \(elapsed)")
                let closed = try await eventually(on: loop) { loop.openResourceCount == 0 }
                #expect(closed)
            }
        }
    }

    // MARK: Scenarios

    /// Sends `bytes` of the pattern to an echo server in the namespace while reading the echo.
    private func echoTransfer(_ network: VethNamespace, bytes total: Int, timeout: Duration = .seconds(60)) async throws
    {
        let server = try network.python(VethNamespace.tcpEcho, [network.namespaceAddress, "170"])
        let port = try #require(
            await server.readLine(timeout: .seconds(10)).flatMap { Int($0) }, "the echo server's port")
        try await withLoop { loop in
            let stream = try await TCPStream.connect(
                to: SocketAddress(ipAddress: network.namespaceAddress, port: port),
                timeout: .seconds(10), on: loop)
            let block = pattern(64 * 1024)
            async let writing: Void = {
                var sent = 0
                while sent < total {
                    let count = min(block.count, total - sent)
                    try await stream.writeAll(block[..<count])
                    sent += count
                }
                try await stream.shutdownWrite()
            }()
            var received = 0
            while true {
                let chunk = try await stream.read(maxBytes: 64 * 1024)
                if chunk.isEmpty { break }
                let start = received % block.count
                let first = min(chunk.count, block.count - start)
                #expect(sameBytes(chunk[..<first], block[start..<start + first]))
                #expect(sameBytes(chunk[first...], block[..<(chunk.count - first)]))
                received += chunk.count
            }
            try await writing
            #expect(received == total)
            await stream.close()
        }
        let (status, output) = await server.finish(timeout: timeout)
        #expect(status == 0, "echo server: \(output)")
    }

    /// Has the namespace send `count` numbered datagrams to a UVIO socket here; returns how many
    /// were sent, received, missing, and counted as dropped on the way (UVIO's queue, our
    /// socket's buffer, the veth pair).
    private func datagrams(_ network: VethNamespace, count: Int) async throws -> (
        sent: Int, received: Int, missing: Int, dropped: Int
    ) {
        try await withLoop { loop in
            let socket = try await UDPSocket.bind(SocketAddress(ipAddress: network.rootAddress, port: 0), on: loop)
            let seen = Locked(Seen(count: count))
            let receiving = Task(executorPreference: loop) {
                for try await datagram in socket.datagrams { seen.withLock { $0.record(datagram.bytes) } }
            }
            let vethBefore = await network.vethDrops()
            let sender = try network.python(
                VethNamespace.udpSender, [network.rootAddress, String(socket.localAddress.port), String(count)])
            let (status, output) = await sender.finish(timeout: .seconds(120))
            try #require(status == 0, "datagram sender: \(output)")
            let sent = Int(output.split(separator: "\n").last ?? "") ?? -1
            #expect(sent == count)
            let port = socket.localAddress.port
            // Done once every datagram is accounted for. Under netem some never arrive, so then
            // done once the count stops moving while the queue is empty: netem holds a packet for
            // at most its delay, so 200 ms with no change means none is left in flight. Bounded.
            var last = -1
            for _ in 0..<300 {
                let now = try await onLoop(loop) {
                    seen.value.received + socket.droppedDatagramCount + kernelDrops(udpPort: port)
                }
                if now == count || (now == last && socket.queuedDatagramCount == 0) { break }
                last = now
                try await loop.sleep(for: .milliseconds(200))
            }
            let vethDropped = await network.vethDrops() - vethBefore
            let (received, duplicates, damaged) = seen.withLock { ($0.received, $0.duplicates, $0.damaged) }
            let dropped = socket.droppedDatagramCount + kernelDrops(udpPort: port) + vethDropped
            print(
                "namespace datagrams: \(sent) sent, \(received) received, \(dropped) counted as dropped (veth \(vethDropped))"
            )
            #expect(duplicates == 0 && damaged == 0)
            receiving.cancel()
            await socket.close()
            _ = await receiving.result
            return (sent, received, count - received, dropped)
        }
    }
}

/// A network namespace with a veth pair to the root namespace, torn down in every case.
struct VethNamespace: Sendable {
    let name: String
    let rootInterface: String
    let namespaceInterface: String
    let rootAddress: String
    let namespaceAddress: String
    /// An address in the subnet that no interface owns, with a permanent neighbour entry pointing
    /// at a MAC nobody has: packets to it leave and are never answered.
    let blackHole: String

    /// Creates the namespace, runs `body`, and deletes the namespace (and with it the pair)
    /// whatever happens. Cancels the test, with the reason, where namespaces are refused.
    static func with(_ body: (VethNamespace) async throws -> Void) async throws {
        let id = String(UInt32.random(in: .min ... .max), radix: 16)
        let a = Int.random(in: 0..<256)
        let base = 8 * Int.random(in: 0..<32)
        let prefix = "10.213.\(a)."
        let network = VethNamespace(
            name: "uvio-\(id)", rootInterface: "uv\(id)r", namespaceInterface: "uv\(id)n",
            rootAddress: prefix + String(base + 1), namespaceAddress: prefix + String(base + 2),
            blackHole: prefix + String(base + 6)
        )
        let (status, output) = (try? await run(["ip", "netns", "add", network.name])) ?? (127, "cannot run ip")
        if status != 0 { try cancelTest("network namespaces are not available here: ip netns add: \(output)") }
        do {
            try await network.setUp()
            try await body(network)
        } catch {
            await network.tearDown()
            throw error
        }
        await network.tearDown()
    }

    private func setUp() async throws {
        let ns = ["ip", "-n", name]
        for command in [
            ["ip", "link", "add", rootInterface, "type", "veth", "peer", "name", namespaceInterface, "netns", name],
            ["ip", "addr", "add", rootAddress + "/29", "dev", rootInterface],
            ["ip", "link", "set", rootInterface, "up"],
            ns + ["addr", "add", namespaceAddress + "/29", "dev", namespaceInterface],
            ns + ["link", "set", namespaceInterface, "up"],
            ns + ["link", "set", "lo", "up"],
            [
                "ip", "neigh", "replace", blackHole, "lladdr", "02:00:00:00:00:01", "dev", rootInterface, "nud",
                "permanent",
            ],
        ] {
            let (status, output) = try await Self.run(command)
            guard status == 0 else {
                throw UVError.invalidArgument.with(context: "\(command.joined(separator: " ")): \(output)")
            }
        }
    }

    private func tearDown() async {
        _ = try? await Self.run(["ip", "netns", "del", name])  // takes the pair with it
        _ = try? await Self.run(["ip", "link", "del", rootInterface])  // in case the pair outlived it
    }

    /// Applies netem (`delay 50ms loss 5%`, say) to both ends of the pair; cancels the test, with
    /// the reason, where the kernel has no netem.
    func impair(_ netem: String) async throws {
        let arguments = ["qdisc", "add", "dev"]
        let options = netem.split(separator: " ").map(String.init)
        for command in [
            ["tc"] + arguments + [rootInterface, "root", "netem"] + options,
            ["ip", "netns", "exec", name, "tc"] + arguments + [namespaceInterface, "root", "netem"] + options,
        ] {
            let (status, output) = try await Self.run(command)
            if status != 0 {
                try cancelTest("netem is not available here: \(command.joined(separator: " ")): \(output)")
            }
        }
    }

    /// Runs a Python program inside the namespace.
    func python(_ program: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(["ip", "netns", "exec", name, "python3", "-c", program] + arguments)
    }

    /// Packets the pair dropped so far, both ends and both directions.
    func vethDrops() async -> Int {
        var total = 0
        for side in [rootInterface, namespaceInterface] {
            let command =
                side == rootInterface
                ? ["ip", "-s", "-o", "link", "show", side]
                : ["ip", "-n", name, "-s", "-o", "link", "show", side]
            guard let (_, output) = try? await Self.run(command) else { continue }
            // -o puts each statistic block on one line: "RX: bytes packets errors dropped ..."
            // then its values; dropped is the fourth value of the RX and of the TX block.
            let words = output.split(whereSeparator: { $0 == " " || $0 == "\\" || $0 == "\n" })
            for (index, word) in words.enumerated() where word == "RX:" || word == "TX:" {
                if let values = words.dropFirst(index).firstIndex(where: { Int($0) != nil }),
                    values + 3 < words.count, let dropped = Int(words[values + 3])
                {
                    total += dropped
                }
            }
        }
        return total
    }

    private static func run(_ command: [String]) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run(command, timeout: .seconds(20))
    }

    /// `python3 -c tcpEcho ADDRESS LIFETIME`: prints its port, echoes one connection until end
    /// of stream, then closes; exits by itself after LIFETIME seconds in any case.
    static let tcpEcho = """
        import signal, socket, sys
        signal.alarm(int(sys.argv[2]))
        listener = socket.socket()
        listener.bind((sys.argv[1], 0))
        listener.listen(1)
        print(listener.getsockname()[1], flush=True)
        connection, _ = listener.accept()
        while True:
            data = connection.recv(65536)
            if not data:
                break
            connection.sendall(data)
        connection.shutdown(socket.SHUT_WR)
        connection.close()
        """

    /// `python3 -c udpSender ADDRESS PORT COUNT`: sends COUNT 64-byte datagrams numbered from 0
    /// (little-endian, then the number times 7 as a check byte), prints COUNT, and exits.
    static let udpSender = """
        import signal, socket, struct, sys
        signal.alarm(110)
        address, count = (sys.argv[1], int(sys.argv[2])), int(sys.argv[3])
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        padding = bytes(55)
        for number in range(count):
            sender.sendto(struct.pack('<QB', number, (number * 7) & 0xff) + padding, address)
        print(count, flush=True)
        """
}
