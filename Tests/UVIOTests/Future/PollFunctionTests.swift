import Testing
@testable import UVIO
#if canImport(Glibc)
import Glibc
#endif

@Suite("Poll functions", .timeLimit(.minutes(2)))
struct PollFunctionTests {
    @Test func pollReadIsPendingThenWokenOnceForRepeatedPolls() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let counter = CountingWaker()
            let waker = counter.waker
            var buffer = [UInt8](repeating: 0, count: 8)
            for _ in 0..<50 {
                var context = Context(waker: waker)
                let result = try buffer.withUnsafeMutableBytes { try client.pollRead(&context, into: $0) }
                #expect(result == .pending)
            }
            try await server.write([9, 8, 7])
            #expect(await eventually { counter.count.value > 0 })
            // One registration for fifty polls with the same waker: one wake.
            #expect(counter.count.value == 1)
            var context = Context(waker: waker)
            let result = try buffer.withUnsafeMutableBytes { try client.pollRead(&context, into: $0) }
            #expect(result == .ready(3))
            #expect(buffer.prefix(3) == [9, 8, 7])
            await client.close()
            await server.close()
        }
    }

    @Test func pollReadReturnsZeroAtEndOfStreamAndThrowsAfterClose() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            try await server.shutdownWrite()
            var buffer = [UInt8](repeating: 0, count: 4)
            let counter = CountingWaker()
            var context = Context(waker: counter.waker)
            var result = Poll<Int>.pending
            for _ in 0..<1000 where result == .pending {
                result = try buffer.withUnsafeMutableBytes { try client.pollRead(&context, into: $0) }
                if result == .pending { _ = await eventually { counter.count.value > 0 } }
            }
            #expect(result == .ready(0))
            await client.close()
            #expect(throws: UVError.closed) {
                try buffer.withUnsafeMutableBytes { try client.pollRead(&context, into: $0) }
            }
            await server.close()
        }
    }

    @Test func pollWriteIsPendingAboveTheWatermarkAndWokenBelowIt() async throws {
        try await withLoop { loop in
            // The peer is a plain socket that reads nothing until told: a UVIO stream would take
            // bytes in (up to its high watermark), and the kernel could then drain the queue.
            let peer = try RawLoopbackListener(backlog: 1)
            let client = try await TCPStream.connect(to: .loopbackIPv4(port: UInt16(peer.port)), on: loop)
            let accepted = try peer.accept()
            defer { close(accepted) }
            let counter = CountingWaker()
            let chunk = [UInt8](repeating: 1, count: 64 * 1024)
            // On the loop thread, write until the queue is full.
            let written = try await onLoop(loop) { () throws -> Int in
                var context = Context(waker: counter.waker)
                var total = 0
                for _ in 0..<10_000 {
                    let result = try chunk.withUnsafeBytes { try client.pollWrite(&context, $0) }
                    guard case .ready(let count) = result else { return total }
                    total += count
                }
                return -1
            }
            #expect(written > 0)
            #expect(counter.count.value == 0)
            // Reading on the other end drains the queue, which wakes the writer.
            let received = await onThread {
                var received = 0
                var buffer = [UInt8](repeating: 0, count: 1 << 20)
                while received < written {
                    let count = recv(accepted, &buffer, buffer.count, 0)
                    guard count > 0 else { break }
                    received += count
                }
                return received
            }
            #expect(received == written)
            #expect(try await eventually(on: loop) { counter.count.value >= 1 })
            await client.close()
        }
    }

    @Test func pollWriteFromAnotherThreadIsWrittenInOrder() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            var context = Context(waker: .noop)
            for value: UInt8 in 0..<100 {
                let result = try [value].withUnsafeBytes { try client.pollWrite(&context, $0) }
                #expect(result == .ready(1))
            }
            let read = ReadExact(server, [UInt8](repeating: 0, count: 100))
            let received = try await FutureExecutor.spawn(read, on: loop).value.buffer
            #expect(received == (0..<100).map { UInt8($0) })
            let flushed = try await FutureExecutor.spawn(Flush(client), on: loop).value
            #expect(flushed === client)
            await client.close()
            await server.close()
        }
    }

    @Test func pollShutdownSendsEndOfStreamAndIsReadyAgainAfterwards() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let writeThenShutdown = WriteAll(client, [1, 2]).flatMap { stream, _ in Shutdown(stream) }
            _ = try await FutureExecutor.spawn(writeThenShutdown, on: loop).value
            let rest = try await FutureExecutor.spawn(ReadToEnd(server), on: loop).value.bytes
            #expect(rest == [1, 2])
            _ = try await FutureExecutor.spawn(Shutdown(client), on: loop).value
            var context = Context(waker: .noop)
            #expect(throws: UVError.brokenPipe) { try [1].withUnsafeBytes { try client.pollWrite(&context, $0) } }
            await client.close()
            await server.close()
        }
    }

    @Test func pollAcceptIsPendingThenGivesTheConnection() async throws {
        try await withLoop { loop in
            let listener = try await TCPListener.bind(.loopbackIPv4(port: 0), on: loop)
            let counter = CountingWaker()
            var context = Context(waker: counter.waker)
            let first = try listener.pollAccept(&context)
            #expect(first.isReady == false)
            let client = try await TCPStream.connect(to: listener.localAddress, on: loop)
            #expect(await eventually { counter.count.value > 0 })
            guard case .ready(let server) = try listener.pollAccept(&context) else {
                Issue.record("expected the connection")
                return
            }
            #expect(server.peerAddress == client.localAddress)
            await listener.close()
            #expect(throws: UVError.closed) { try listener.pollAccept(&context) }
            let incoming = listener.incoming()
            let next = try incoming.pollNext(&context)
            guard case .ready(nil) = next else {
                Issue.record("expected the end of the connections")
                return
            }
            await server.close()
            await client.close()
        }
    }
}

/// Polls `future` on the calling (plain) thread until it is ready, sleeping on a signal that
/// its waker posts: a minimal executor, to prove the poll functions work off the loop thread.
func pollHere<F: Future>(_ future: F) throws -> F.Output {
    var future = future
    let signal = ThreadSignal()
    var context = Context(waker: Waker { signal.post() })
    while true {
        if case .ready(let output) = try future.poll(&context) { return output }
        signal.wait()
    }
}

/// Runs `body` on a new plain thread and returns its result.
func onPlainThread<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
    try await withCheckedThrowingContinuation { continuation in
        LoopThread.startDetached(name: "plain") { continuation.resume(with: Result { try body() }) }
    }
}

@Suite("Poll functions off the loop thread", .timeLimit(.minutes(2)))
struct PollOffLoopTests {
    @Test func readWriteFlushAndShutdownFromAPlainThread() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let message = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            async let received = onPlainThread { try pollHere(ReadToEnd(server)).bytes }
            try await onPlainThread {
                #expect(!loop.inEventLoop)
                _ = try pollHere(WriteAll(client, message).flatMap { writer, _ in Flush(writer) })
                _ = try pollHere(Shutdown(client))
            }
            #expect(try await received == message)
            await client.close()
            await server.close()
        }
    }

    @Test func blockOnRunsIOFuturesForAPlainThread() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let echoed = try await onPlainThread { () throws -> [UInt8] in
                let echo = FutureExecutor.spawn(ReadExact(server, [0, 0, 0]).flatMap { WriteAll($0, $1) }, on: loop)
                let reply = try FutureExecutor.blockOn(
                    WriteAll(client, [4, 5, 6]).flatMap { writer, _ in ReadExact(writer, [0, 0, 0]) }, on: loop)
                _ = echo
                return reply.buffer
            }
            #expect(echoed == [4, 5, 6])
            await client.close()
            await server.close()
        }
    }
}
