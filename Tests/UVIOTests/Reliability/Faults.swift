import Testing

@testable import UVIO

#if canImport(Glibc)
import Glibc
#endif

/// Faults at the worst moments: a reset in the middle of a transfer, a close with writes queued,
/// a loop shut down under load, the process out of descriptors, a read timing out.
@Suite("Reliability: faults", .timeLimit(.minutes(2)))
struct ReliabilityFaultTests {
    /// The client writes far more than the socket buffers hold while the server resets: the
    /// pending write ends with a named error instead of hanging, and later writes fail fast.
    @Test func peerResetsInTheMiddleOfAWrite() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            let big = [UInt8](repeating: 0x5a, count: 32 * 1024 * 1024)
            let writer = Task { try await client.write(big) }
            _ = try await server.readExact(64 * 1024)  // the transfer is under way
            await server.closeWithReset()
            let error = await #expect(throws: UVError.self) { try await writer.value }
            #expect([UVError.connectionReset, .brokenPipe].contains(error), "got \(String(describing: error))")
            await #expect(throws: UVError.self) { try await client.write("after the reset") }
            await client.close()
            await listener.close()
        }
    }

    /// The server reads an endless transfer in pieces while the client resets: every byte read
    /// is the byte sent at that offset, and the read then fails with `connectionReset`, not end of
    /// stream.
    @Test func peerResetsInTheMiddleOfARead() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            let block = pattern(65536)
            let writer = Task { while true { try await client.write(block) } }
            let progress = Locked(0)
            let reader = Task { () throws -> Int in
                var offset = 0
                while true {
                    let chunk = try await server.read(maxBytes: 1000)
                    if chunk.isEmpty { return offset }
                    for (index, byte) in chunk.enumerated() where byte != block[(offset + index) % block.count] {
                        Issue.record("byte \(offset + index) differs")
                        return offset
                    }
                    offset += chunk.count
                    progress.withLock { $0 = offset }
                }
            }
            #expect(try await eventually(on: loop) { progress.value >= 256 * 1024 })
            await client.closeWithReset()
            // The reset arrives with EPOLLIN|EPOLLERR|EPOLLHUP; libuv reads what is queued, and
            // after that short read reports UV_EOF without calling read(2) again. StreamCore asks
            // the socket (SO_ERROR) on UV_EOF, so the reader sees the reset, not an orderly end.
            let read: Result<Int, any Error>
            do { read = .success(try await reader.value) } catch { read = .failure(error) }
            #expect(throws: UVError.connectionReset) { try read.get() }
            await #expect(throws: UVError.self) { try await writer.value }
            await server.close()
            await listener.close()
        }
    }

    /// The peer closes while our writes are queued behind a full socket: the queued writes
    /// complete with an error, none hangs, and the loop closes cleanly.
    @Test func peerClosesWhileAWriteIsQueued() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            let chunk = [UInt8](repeating: 0x5a, count: 4 * 1024 * 1024)
            let writers = (0..<4).map { _ in Task { try await client.write(chunk) } }
            #expect(try await eventually(on: loop) { client.core.pendingWrites > 0 })
            await server.close()  // with unread data: the kernel answers with a reset
            // Writes the kernel had taken before the close succeed; the rest fail. None hangs.
            var failed = 0
            for writer in writers {
                do { try await writer.value } catch is UVError { failed += 1 }
            }
            #expect(failed > 0)
            await client.close()
            await listener.close()
            #expect(try await eventually(on: loop) { loop.openResourceCount == 0 })
        }
    }

    /// Shutdown with a hundred connections open, each with a read, a queued write or an accept
    /// pending: every operation ends with `loopShutDown` or `closed`, and `uv_loop_close` is 0.
    /// The clients are on a loop of their own, so no pending operation ends early because its peer
    /// closed first.
    @Test func loopShutsDownWithConnectionsOpenAndOperationsPending() async throws {
        let loop = EventLoop(name: "uvio-fault")
        let clientLoop = EventLoop(name: "uvio-fault-peer")
        let listener = try await loopbackListener(on: loop)
        var opened: [(client: TCPStream, server: TCPStream)] = []
        for _ in 0..<100 { opened.append(try await connectedPair(listener, clientLoop: clientLoop)) }
        let pairs = opened
        let big = [UInt8](repeating: 0x5a, count: 8 * 1024 * 1024)
        var pending: [Task<Void, any Error>] = []
        for (index, pair) in pairs.enumerated() {
            if index.isMultiple(of: 2) {
                pending.append(Task { _ = try await pair.server.read(maxBytes: 10) })
            } else {
                // The client stops reading, so the write cannot finish through the kernel's
                // buffers and the client's receive buffer (which would take 512 KiB).
                try await pair.client.shutdown(.read)
                pending.append(Task { try await pair.server.write(big) })
            }
        }
        pending.append(Task { _ = try await listener.accept() })
        #expect(
            try await eventually(on: loop) {
                pairs[1].server.core.pendingWrites > 0 && pairs[0].server.core.state.withLock { !$0.readers.isEmpty }
            })
        try await loop.shutdown()  // throws unless uv_loop_close returned 0
        for task in pending {
            do {
                try await task.value
                Issue.record("an operation pending at shutdown succeeded")
            } catch let error as UVError {
                #expect(error == .loopShutDown || error == .closed, "got \(error)")
            }
        }
        await #expect(throws: UVError.self) { try await pairs[0].server.write("after shutdown") }
        await #expect(throws: UVError.loopShutDown) { try await TCPStream.connect(to: listener.localAddress, on: loop) }
        // The other loop is unharmed: its streams see the server side gone, and it closes cleanly.
        #expect(try await pairs[0].client.read(maxBytes: 1).isEmpty)
        try await clientLoop.shutdown()
    }

    /// In a child process with every descriptor taken: a new loop cannot set libuv up, so it
    /// starts closed and its calls throw `loopShutDown` naming `uv_loop_init` (it used to stop
    /// the process on a precondition); once descriptors are free, a new loop serves.
    @Test func aLoopMadeWithNoDescriptorFreeStartsClosed() async throws {
        let result = try await runProbe(["loop-emfile"])
        #expect(result["execute"] == "loopShutDown")
        #expect(result["cause"] == "uv_loop_init")
        #expect(result["bind"] == "loopShutDown")
        #expect(result["after"] == "served")
    }

    /// In a child process with a low descriptor limit: a connection that arrives while the
    /// process has no descriptor left is dropped, and once descriptors are free the same listener
    /// accepts and serves again.
    @Test func acceptResumesAfterRunningOutOfDescriptors() async throws {
        let result = try await runProbe(["emfile"])
        print("out of descriptors: \(result)")
        #expect(result["served_after"] == "3")
        #expect(["eof", "reset", "timeout"].contains(result["victim"] ?? "none"))
    }

    /// A read that times out in the middle of `readExact` and of `readLine` consumes what it had
    /// and leaves the stream usable: later reads and writes work and see the bytes in order.
    /// `peek`, `readExact(into:)` and `readToEnd` time out as well.
    @Test func readTimeoutsLeaveTheStreamUsable() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            server.readTimeout = .milliseconds(30)
            for _ in 0..<3 {
                await #expect(throws: UVError.timedOut) { try await server.read(maxBytes: 10) }
            }
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 1)
            defer { scratch.deallocate() }
            await #expect(throws: UVError.timedOut) { try await server.read(into: scratch) }
            try await client.write("ab")
            await #expect(throws: UVError.timedOut) { try await server.readExact(4) }
            try await client.write("cd\nef")
            #expect(try await server.readLine() == "cd")
            await #expect(throws: UVError.timedOut) { try await server.readLine() }
            try await client.write("gh\n")
            #expect(try await server.readLine() == "gh")
            // The other helpers wait under the same limit.
            await #expect(throws: UVError.timedOut) { try await server.peek(maxBytes: 4) }
            await #expect(throws: UVError.timedOut) { try await server.readExact(into: scratch) }
            try await client.write("ij")
            await #expect(throws: UVError.timedOut) { try await server.readToEnd() }
            server.readTimeout = nil
            try await server.write("still writable")
            #expect(try await client.readExact(14) == Array("still writable".utf8))
            await client.close()
            await server.close()
            await listener.close()
        }
    }
}
