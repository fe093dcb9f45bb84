import Testing

@testable import UVIO

#if canImport(Glibc)
import Glibc
#endif

/// Load bounded in time: scaled down by default, at the size of issue 9 with `UVIO_STRESS=full`
/// (`make stress`). Each test runs its server and its clients on loops of their own.
@Suite("Reliability: stress", .timeLimit(.minutes(3)))
struct ReliabilityStressTests {
    /// Many connections open at once (10,000 at full size, 500 scaled), each echoing 64 KiB:
    /// every byte comes back in order, and no socket is left open. The clients run in a child
    /// process (`ReliabilityProbes echo-clients`), so that each side needs one descriptor per
    /// connection and 10,000 fit under a hard limit of 20,000.
    @Test func manyConcurrentConnectionsEachEcho64KiB() async throws {
        let connections = stressSize(full: 10_000, scaled: 500)
        let limit = raiseDescriptorLimit(atLeast: connections + 256)
        try #require(limit >= connections + 64, "descriptor limit \(limit) is too low for \(connections) connections")
        let serverLoop = EventLoop(name: "stress-server")
        let listener = try await TCPListener.bind(.loopbackIPv4(port: 0), backlog: 4096, on: serverLoop)
        let served = Locked(0)
        let server = Task(executorPreference: serverLoop) {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<connections {
                    guard let stream = try? await listener.accept() else { return }
                    group.addTask(executorPreference: serverLoop) {
                        if (try? await copy(from: stream, to: stream, bufferSize: 16 * 1024)) == 64 * 1024 {
                            served.withLock { $0 += 1 }
                        }
                        try? await stream.shutdownWrite()
                        await stream.close()
                    }
                }
            }
        }
        let result = try await runProbe(
            ["echo-clients", String(listener.localAddress.port), String(connections), String(64 * 1024)],
            timeout: .seconds(170)
        )
        #expect(result["echoed"] == String(connections))
        await server.value
        #expect(served.value == connections)
        let port = listener.localAddress.port
        await listener.close()
        #expect(try await eventually(on: serverLoop) { openSocketCount(port: port) == 0 })
        try await serverLoop.shutdown()
    }

    /// Connection churn (30 s at full size, 3 s scaled): sixteen clients in turn connect,
    /// exchange one line and close. Every exchange succeeds, and at the end only the listener's
    /// socket is open. The server closes first, so TIME_WAIT stays on its side and the clients
    /// never run out of ephemeral ports.
    @Test func connectionChurn() async throws {
        let duration = stressSize(full: Duration.seconds(30), scaled: .seconds(3))
        let serverLoop = EventLoop(name: "churn-server")
        let clientLoop = EventLoop(name: "churn-clients")
        let listener = try await TCPListener.bind(.loopbackIPv4(port: 0), on: serverLoop)
        let server = Task(executorPreference: serverLoop) {
            await withTaskGroup(of: Void.self) { group in
                while let stream = try? await listener.accept() {
                    group.addTask(executorPreference: serverLoop) {
                        if let line = try? await stream.readLine() { try? await stream.write(line + "\n") }
                        await stream.close()
                    }
                }
            }
        }
        let clock = ContinuousClock()
        let end = clock.now + duration
        let exchanges = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<16 {
                group.addTask(executorPreference: clientLoop) {
                    var count = 0
                    while clock.now < end {
                        let stream = try await TCPStream.connect(to: listener.localAddress, on: clientLoop)
                        try await stream.write("hello \(worker) \(count)\n")
                        #expect(try await stream.readLine() == "hello \(worker) \(count)")
                        #expect(try await stream.read(maxBytes: 1).isEmpty)
                        await stream.close()
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        print("connection churn: \(exchanges) exchanges in \(duration)")
        #expect(exchanges > 0)
        let port = listener.localAddress.port
        #expect(try await eventually(on: serverLoop) { openSocketCount(port: port) == 1 })
        await listener.close()
        await server.value
        try await clientLoop.shutdown()
        try await serverLoop.shutdown()
    }

    /// 1 GiB at full size (64 MiB scaled) from a client through a proxy built with
    /// `copyBidirectional` to a sink that checks every byte against the pattern and answers with
    /// the count; the count comes back through the proxy after the half-close.
    @Test func gigabyteThroughABidirectionalCopyProxy() async throws {
        let total = stressSize(full: 1 << 30, scaled: 64 << 20)
        let loops = (0..<3).map { EventLoop(name: "proxy-\($0)") }
        let (clientLoop, proxyLoop, sinkLoop) = (loops[0], loops[1], loops[2])
        let block = pattern(64 * 1024)
        let sinkListener = try await TCPListener.bind(.loopbackIPv4(port: 0), on: sinkLoop)
        let sink = Task(executorPreference: sinkLoop) { () throws -> Int in
            let stream = try await sinkListener.accept()
            var received = 0
            var mismatches = 0
            while true {
                let chunk = try await stream.read(maxBytes: 64 * 1024)
                if chunk.isEmpty { break }
                let start = received % block.count
                let first = min(chunk.count, block.count - start)
                if !sameBytes(chunk[..<first], block[start..<start + first])
                    || !sameBytes(chunk[first...], block[..<(chunk.count - first)])
                {
                    mismatches += 1
                }
                received += chunk.count
            }
            try await stream.write("\(received) \(mismatches)\n")
            await stream.close()
            return received
        }
        let proxyListener = try await TCPListener.bind(.loopbackIPv4(port: 0), on: proxyLoop)
        let proxy = Task(executorPreference: proxyLoop) { () throws -> (aToB: Int, bToA: Int) in
            let downstream = try await proxyListener.accept()
            let upstream = try await TCPStream.connect(to: sinkListener.localAddress, on: proxyLoop)
            defer {
                Task {
                    await downstream.close()
                    await upstream.close()
                }
            }
            return try await copyBidirectional(downstream, upstream)
        }
        let reply = try await Task(executorPreference: clientLoop) { () throws -> String? in
            let stream = try await TCPStream.connect(to: proxyListener.localAddress, on: clientLoop)
            var sent = 0
            while sent < total {
                try await stream.writeAll(block)
                sent += block.count
            }
            try await stream.shutdownWrite()
            let reply = try await stream.readLine()
            await stream.close()
            return reply
        }.value
        #expect(reply == "\(total) 0")
        #expect(try await sink.value == total)
        let counts = try await proxy.value
        #expect(counts.aToB == total)
        await sinkListener.close()
        await proxyListener.close()
        for loop in loops { try await loop.shutdown() }
    }

    /// 1,000,000 datagrams at full size (100,000 scaled), numbered, sent as fast as the socket
    /// takes them: every one is accounted for exactly, as received (once, intact), dropped by
    /// UVIO's receive queue (`droppedDatagramCount`) or dropped by the kernel (the socket's
    /// `drops` in /proc/net/udp).
    @Test func datagramsWithExactLossAccounting() async throws {
        let count = stressSize(full: 1_000_000, scaled: 100_000)
        let receiverLoop = EventLoop(name: "udp-receiver")
        let senderLoop = EventLoop(name: "udp-sender")
        let receiver = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: receiverLoop)
        let seen = Locked(Seen(count: count))
        let receiving = Task(executorPreference: receiverLoop) {
            for try await datagram in receiver.datagrams {
                seen.withLock { $0.record(datagram.bytes) }
            }
        }
        let sender = try await UDPSocket.connect(to: receiver.localAddress, on: senderLoop)
        try await Task(executorPreference: senderLoop) {
            var datagram = [UInt8](repeating: 0, count: 64)
            for number in 0..<count {
                withUnsafeBytes(of: UInt64(number).littleEndian) { datagram.replaceSubrange(0..<8, with: $0) }
                datagram[8] = UInt8(truncatingIfNeeded: number &* 7)
                try await sender.send(datagram)
            }
        }.value
        let port = receiver.localAddress.port
        // Every datagram has been sent: each is now received, queued, or counted as dropped.
        let accounted = try await eventually(on: receiverLoop, limit: .seconds(60)) {
            seen.value.received + receiver.droppedDatagramCount + kernelDrops(udpPort: port) == count
        }
        let (received, duplicates, damaged) = seen.withLock { ($0.received, $0.duplicates, $0.damaged) }
        let queueDrops = receiver.droppedDatagramCount
        let kernel = kernelDrops(udpPort: port)
        print(
            "datagrams: \(count) sent, \(received) received, \(queueDrops) dropped by the queue, \(kernel) by the kernel"
        )
        #expect(accounted, "\(count) sent but \(received) + \(queueDrops) + \(kernel) accounted for")
        #expect(duplicates == 0 && damaged == 0)
        receiving.cancel()
        await receiver.close()
        await sender.close()
        _ = await receiving.result
        try await senderLoop.shutdown()
        try await receiverLoop.shutdown()
    }
}

/// Which numbered datagrams arrived, once each and intact.
struct Seen: Sendable {
    var arrived: [Bool]
    var received = 0
    var duplicates = 0
    var damaged = 0

    init(count: Int) { arrived = [Bool](repeating: false, count: count) }

    mutating func record(_ bytes: [UInt8]) {
        guard bytes.count == 64 else {
            damaged += 1
            return
        }
        let number = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        guard number < arrived.count, bytes[8] == UInt8(truncatingIfNeeded: number &* 7) else {
            damaged += 1
            return
        }
        if arrived[number] {
            duplicates += 1
            return
        }
        arrived[number] = true
        received += 1
    }
}

/// The datagrams the kernel dropped for this process's UDP socket bound to `port` (receive buffer
/// full), from the `drops` column of /proc/net/udp.
func kernelDrops(udpPort port: Int) -> Int {
    guard let table = try? readFile("/proc/net/udp") else { return 0 }
    for line in table.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: " ")
        guard fields.count > 12, let local = fields[1].split(separator: ":").last, Int(local, radix: 16) == port else {
            continue
        }
        return Int(fields[12]) ?? 0
    }
    return 0
}

/// Whether two byte slices are equal, with `memcmp`: `elementsEqual` is slow in debug builds.
func sameBytes(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
    a.count == b.count
        && a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in a.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, a.count) == 0 }
        }
}
