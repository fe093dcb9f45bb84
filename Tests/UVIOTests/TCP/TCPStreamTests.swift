import Testing
@testable import UVIO
#if canImport(Glibc)
import Glibc
#endif

@Suite("TCP stream", .timeLimit(.minutes(1)))
struct TCPStreamTests {
    @Test func readReturnsWhatIsThereAndZeroAtEndOfStream() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            try await client.write("HELLO\n")
            try await client.shutdownWrite()
            var received = [UInt8]()
            while true {
                let chunk = try await server.read(maxBytes: 3)
                if chunk.isEmpty { break }
                #expect(chunk.count <= 3)
                received += chunk
            }
            #expect(received == Array("HELLO\n".utf8))
            #expect(try await server.read(maxBytes: 10).isEmpty)  // end of stream stays end of stream
            await #expect(throws: UVError.limitExceeded) { try await server.read(maxBytes: -1) }
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func consumingMoreThanBufferedThrowsAndKeepsTheBytes() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            try await client.write("abc")
            try await client.shutdownWrite()
            await #expect(throws: UVError.limitExceeded) {
                try await server.consumeBuffered { bytes in (bytes.count + 1, ()) }
            }
            #expect(try await server.readToEnd() == Array("abc".utf8))
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func earlyEndOfStreamInReadExactCarriesTheCount() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            try await client.write([1, 2, 3])
            try await client.shutdownWrite()
            do {
                _ = try await server.readExact(5)
                Issue.record("readExact returned although the stream ended early")
            } catch let error as UVError {
                #expect(error == .unexpectedEndOfStream)
                #expect(error.bytesTransferred == 3)
            }
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func halfCloseWorksInBothDirections() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            // Client finishes sending first; it can still read what the server sends afterwards.
            try await client.write("request")
            try await client.shutdown(.write)
            #expect(try await server.readToEnd() == Array("request".utf8))
            try await server.write("response")
            try await server.shutdown(.write)
            #expect(try await client.readToEnd() == Array("response".utf8))
            await #expect(throws: UVError.brokenPipe) { try await client.write("more") }
            try await client.shutdown(.write)  // a second shutdown is not an error
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func shutdownReadMakesReadsReturnEndOfStream() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            try await server.shutdown(.read)
            #expect(try await server.read(maxBytes: 10).isEmpty)
            try await server.write("still writable")
            #expect(try await client.readExact(14) == Array("still writable".utf8))
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func connectionRefused() async throws {
        try await withLoop { loop in
            // Bind, learn the port, close: nobody listens there now.
            let listener = try await loopbackListener(on: loop)
            let address = listener.localAddress
            await listener.close()
            await #expect(throws: UVError.connectionRefused) { try await TCPStream.connect(to: address, on: loop) }
            #expect(openSocketCount(port: address.port) == 0)
        }
    }

    @Test func peerResetFailsReadsAfterTheBufferedBytes() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            try await client.write("last words")
            _ = try await server.peek(maxBytes: 1)  // the bytes have arrived before the reset
            await client.closeWithReset()
            #expect(try await server.readExact(10) == Array("last words".utf8))
            await #expect(throws: UVError.connectionReset) { try await server.read(maxBytes: 10) }
            await server.close(); await listener.close()
        }
    }

    @Test func readTimeoutThrowsAndLeavesTheStreamUsable() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            server.readTimeout = .milliseconds(20)
            await #expect(throws: UVError.timedOut) { try await server.read(maxBytes: 10) }
            try await client.write("late")
            #expect(try await server.readExact(4) == Array("late".utf8))
            server.readTimeout = nil
            await client.close(); await server.close(); await listener.close()
        }
    }

    /// `readTimeout` bounds each wait, not a whole helper call: a line whose parts arrive 1.8 s
    /// apart is read with a 3 s timeout although it takes 3.6 s in all (1.2 s of margin a wait).
    /// Reader and writer are tasks on the test's own loop, so a busy global pool (the suite runs
    /// in parallel) cannot stretch the gaps.
    @Test func readTimeoutBoundsEachWaitOfAReadLine() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            server.readTimeout = .seconds(3)
            let line = Task(executorPreference: loop) { try await server.readLine() }
            let writer = Task(executorPreference: loop) { () async throws -> Bool in
                for part in ["a", "b", "c\n"] {
                    // The gap starts once the reader waits with nothing buffered.
                    let waits = try await eventually(on: loop) {
                        server.core.state.withLock { !$0.readers.isEmpty && $0.buffer.isEmpty }
                    }
                    guard waits else { return false }
                    if part != "a" { try await loop.sleep(for: .milliseconds(1800)) }
                    try await client.write(part)
                }
                return true
            }
            #expect(try await writer.value)
            #expect(try await line.value == "abc")
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func writeTimeoutThrowsOnAStalledPeerAndClearingItWaitsAgain() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            // The server reads nothing: 32 MiB cannot all leave before the timeout.
            let big = [UInt8](repeating: 7, count: 32 << 20)
            #expect(client.writeTimeout == nil)
            client.writeTimeout = .milliseconds(50)
            #expect(client.writeTimeout == .milliseconds(50))
            await #expect(throws: UVError.timedOut) { try await client.write(big) }
            // Without the timeout a write waits until the peer drains the queue.
            client.writeTimeout = nil
            let writer = Task { try await client.write([1]) }
            var drained = 0
            while drained < big.count + 1 { drained += try await server.read(maxBytes: 1 << 20).count }
            try await writer.value
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func writesOfEveryKindOfCollectionArriveInOrder() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            // Large enough that part of it waits in libuv (the slow path), on and off the loop.
            let big = (0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let small: [UInt8] = [1, 2, 3, 4, 5]
            let writes = { @Sendable in
                try await client.write(big)
                try await client.write(small.reversed())   // not contiguous
                try await client.writeAll(small[1...3])
                try await client.writeAll("hi")
                try await client.write("!")
                try await client.writeAll(small)
            }
            var expected = big + [5, 4, 3, 2, 1] + [2, 3, 4] + Array("hi!".utf8) + small
            expected += expected
            let writer = Task {
                try await writes()
                try await Task(executorPreference: loop) { try await writes() }.value
                try await client.shutdown(.write)
            }
            var received: [UInt8] = []
            while true {
                let chunk = try await server.read(maxBytes: 1 << 20)
                if chunk.isEmpty { break }
                received += chunk
            }
            try await writer.value
            #expect(received.count == expected.count)
            #expect(received == expected)
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func cancelledReadLosesNoData() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            // "ab" is in the server's buffer before the reader starts, so the reader takes it at
            // once; it is cancelled while it waits for the other two bytes.
            try await client.write("ab")
            #expect(try await eventually(on: loop) { server.core.state.withLock { $0.buffer.count == 2 } })
            let reader = Task { try await server.readExact(4) }
            #expect(try await eventually(on: loop) {
                server.core.state.withLock { !$0.readers.isEmpty && $0.buffer.isEmpty }
            })
            reader.cancel()
            await #expect(throws: CancellationError.self) { try await reader.value }
            // A plain read that is cancelled consumes nothing.
            let waiting = Task { try await server.read(maxBytes: 10) }
            waiting.cancel()
            _ = try? await waiting.value
            try await client.write("cd")
            // readExact had consumed "ab" into its own buffer (documented); "cd" is still here.
            #expect(try await server.readExact(2) == Array("cd".utf8))
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func cancelledWaitForDataKeepsLaterBytesForTheNextRead() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            for round in 0..<50 {
                let reader = Task { try await server.read(maxBytes: 100) }
                reader.cancel()
                let result = try? await reader.value
                try await client.write([UInt8(round)])
                // Either the cancelled read already had the byte, or the next read gets it.
                let byte = (result?.isEmpty == false) ? result! : try await server.read(maxBytes: 100)
                #expect(byte == [UInt8(round)])
            }
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func cancelledAcceptReturnsPromptly() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let acceptor = Task { try await listener.accept() }
            acceptor.cancel()
            await #expect(throws: CancellationError.self) { try await acceptor.value }
            // The listener still works.
            let (client, server) = try await connectedPair(listener)
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func closeFinishesPendingOperationsWithAClearError() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            let reader = Task { try await server.read(maxBytes: 10) }
            #expect(try await eventually(on: loop) { server.core.state.withLock { !$0.readers.isEmpty } })
            await server.close()
            await #expect(throws: UVError.closed) { try await reader.value }
            await #expect(throws: UVError.closed) { try await server.write("x") }
            await #expect(throws: UVError.closed) { try await server.setNoDelay(true) }
            await server.close()  // closing twice is fine
            let acceptor = Task { try await listener.accept() }
            await listener.close()
            await #expect(throws: UVError.closed) { try await acceptor.value }
            await client.close()
        }
    }

    @Test func loopShutdownEndsPendingOperations() async throws {
        let loop = EventLoop()
        let listener = try await loopbackListener(on: loop)
        let (client, server) = try await connectedPair(listener)
        let reader = Task { try await server.read(maxBytes: 10) }
        #expect(try await eventually(on: loop) { server.core.state.withLock { !$0.readers.isEmpty } })
        try await loop.shutdown()
        await #expect(throws: UVError.loopShutDown) { try await reader.value }
        await #expect(throws: UVError.self) { try await client.write("x") }
        _ = server
    }

    @Test func noDelayAndKeepAliveReachTheSocket() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            try await client.setNoDelay(true)
            #expect(try await client.socketOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY) != 0)
            try await client.setNoDelay(false)
            #expect(try await client.socketOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY) == 0)
            try await client.setKeepAlive(true, delay: .seconds(5))
            #expect(try await client.socketOption(level: SOL_SOCKET, name: SO_KEEPALIVE) != 0)
            #expect(try await client.socketOption(level: Int32(IPPROTO_TCP), name: TCP_KEEPIDLE) == 5)
            await #expect(throws: UVError.invalidArgument) { try await client.setKeepAlive(true, delay: .zero) }
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func receiveBufferStopsReadingAtTheHighWatermark() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            let total = 8 * 1024 * 1024
            let writer = Task { try await client.write(pattern(total)); try await client.shutdownWrite() }
            // Nobody reads: the server buffers up to the watermark and then lets TCP push back.
            #expect(try await eventually(on: loop) { server.core.state.withLock { $0.pausedAtWatermark } })
            let buffered = server.core.state.withLock { $0.buffer.count }
            #expect(buffered >= server.core.highWatermark && buffered < server.core.highWatermark + loop.readBuffer.count)
            let received = try await server.readToEnd()
            #expect(received == pattern(total))
            try await writer.value
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func aThousandConnectionsLeaveNoDescriptorBehind() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let port = listener.localAddress.port
            #expect(openSocketCount(port: port) == 1)
            for round in 0..<10 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for _ in 0..<100 { _ = try await listener.accept() }  // dropped, not closed
                    }
                    for _ in 0..<100 {
                        group.addTask {
                            let stream = try await TCPStream.connect(to: listener.localAddress, on: loop)
                            if round.isMultiple(of: 2) { await stream.close() }  // half closed, half dropped
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(try await eventually(on: loop) { loop.openResourceCount == 1 })
            #expect(openSocketCount(port: port) == 1)
            await listener.close()
            #expect(openSocketCount(port: port) == 0)
        }
    }

    @Test func connectionsNobodyAcceptedCloseWithTheListener() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            var clients = [TCPStream]()
            for _ in 0..<5 { clients.append(try await TCPStream.connect(to: listener.localAddress, on: loop)) }
            #expect(try await eventually(on: loop) { listener.core.state.withLock { $0.accepted.count == 5 } })
            await listener.close()
            for client in clients {
                #expect(try await client.read(maxBytes: 1).isEmpty)  // the server side closed
                await client.close()
            }
            #expect(try await eventually(on: loop) { loop.openResourceCount == 0 })
        }
    }

    @Test func bindingAnAddressInUseIsANamedError() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            await #expect(throws: UVError.addressInUse) { try await TCPListener.bind(listener.localAddress, on: loop) }
            let shared = try await TCPListener.bind(.loopbackIPv4(port: 0), reusePort: true, on: loop)
            let twin = try await TCPListener.bind(shared.localAddress, reusePort: true, on: loop)
            #expect(twin.localAddress == shared.localAddress)
            await #expect(throws: UVError.limitExceeded) { try await TCPListener.bind(.loopbackIPv4(port: 0), backlog: 0, on: loop) }
            await listener.close(); await shared.close(); await twin.close()
        }
    }
}

@Suite("TCP writes to a vanished peer", .timeLimit(.minutes(1)))
struct TCPBrokenPipeTests {
    @Test func writingAfterThePeerClosedThrowsInsteadOfRaisingSIGPIPE() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            await server.close()
            // The first writes may still be accepted by the kernel; the peer answers with RST and a
            // later write fails with EPIPE or ECONNRESET. Without SIGPIPE ignored, the process dies.
            var failure: UVError?
            for _ in 0..<1_000 where failure == nil {
                do { try await client.write(pattern(4096)) } catch let error as UVError { failure = error }
            }
            #expect(failure == .brokenPipe || failure == .connectionReset)
            await client.close(); await listener.close()
        }
    }
}
