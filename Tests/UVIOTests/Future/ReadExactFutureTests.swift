import Testing
@testable import UVIO

/// A reader that gives at most one byte per call and is pending every other call (waking its
/// waker at once), to force every path of a hand-written future.
final class TrickleReader: PollByteReader, @unchecked Sendable {
    // Safe: used by one test thread at a time.
    private var bytes: [UInt8]
    private var pendingNext = true
    private(set) var calls = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func pollRead(_ context: inout Context, into buffer: UnsafeMutableRawBufferPointer) throws -> Poll<Int> {
        calls += 1
        pendingNext.toggle()
        if !pendingNext {
            context.waker.wake()
            return .pending
        }
        guard let first = bytes.first, buffer.count > 0 else { return .ready(0) }
        bytes.removeFirst()
        buffer[0] = first
        return .ready(1)
    }
}

/// A writer that takes at most `limit` bytes per call, keeping them.
final class ShortWriter: PollByteWriter, @unchecked Sendable {
    // Safe: used by one test thread at a time.
    private(set) var written: [UInt8] = []
    let limit: Int
    init(limit: Int) { self.limit = limit }

    func pollWrite(_ context: inout Context, _ bytes: UnsafeRawBufferPointer) throws -> Poll<Int> {
        let count = min(limit, bytes.count)
        written += bytes.prefix(count)
        return .ready(count)
    }
    func pollFlush(_ context: inout Context) throws -> Poll<Void> { .ready(()) }
    func pollShutdown(_ context: inout Context) throws -> Poll<Void> { .ready(()) }
}

@Suite("ReadExact and the I/O futures", .timeLimit(.minutes(2)))
struct ReadExactFutureTests {
    @Test func readExactFillsTheBufferAcrossShortAndPendingReads() throws {
        let reader = TrickleReader([1, 2, 3, 4, 5, 6])
        let output = try pollToEnd(ReadExact(reader, [0, 0, 0, 0, 0]))
        #expect(output?.buffer == [1, 2, 3, 4, 5])
        #expect(reader.calls == 10)
    }

    @Test func readExactReportsEarlyEndOfStreamWithTheCountRead() throws {
        do {
            _ = try pollToEnd(ReadExact(TrickleReader([1, 2, 3]), [UInt8](repeating: 0, count: 10)))
            Issue.record("expected an early end of stream")
        } catch let error as UVError {
            #expect(error == .unexpectedEndOfStream)
            #expect(error.bytesTransferred == 3)
        }
    }

    @Test func readToEndCollectsEverything() throws {
        let bytes = (0..<100).map { UInt8($0) }
        #expect(try pollToEnd(ReadToEnd(TrickleReader(bytes)), maxPolls: 1000)?.bytes == bytes)
    }

    @Test func readToEndEnforcesItsLimit() throws {
        #expect(throws: UVError.limitExceeded) { try pollToEnd(ReadToEnd(TrickleReader([1, 2, 3]), limit: 2)) }
    }

    @Test func writeAllRepeatsShortWrites() throws {
        let writer = ShortWriter(limit: 3)
        let bytes = (0..<10).map { UInt8($0) }
        _ = try pollToEnd(WriteAll(writer, bytes))
        #expect(writer.written == bytes)
    }

    @Test func writeAllFailsWhenTheWriterTakesNothing() throws {
        #expect(throws: UVError.writeZero) { try pollToEnd(WriteAll(ShortWriter(limit: 0), [1])) }
    }

    @Test func copyMovesEveryByteThroughShortReadsAndWrites() throws {
        let bytes = (0..<50).map { UInt8($0) }
        let writer = ShortWriter(limit: 2)
        let output = try pollToEnd(Copy(from: TrickleReader(bytes), to: writer, bufferSize: 7), maxPolls: 1000)
        #expect(output?.count == 50)
        #expect(writer.written == bytes)
    }

    /// The seed's server: `incoming().forEach`, a task per connection that reads exactly five
    /// bytes with the hand-written `ReadExact` and writes them back.
    @Test func theSeedsEchoOfFiveBytes() async throws {
        try await withLoop { loop in
            let listener = try await TCPListener.bind(.loopbackIPv4(port: 0), on: loop)
            let served = Locked(0)
            let server = listener.incoming().forEach { socket in
                let connection = ReadExact(socket, [UInt8](repeating: 0, count: 5))
                    .flatMap { socket, buffer in WriteAll(socket, buffer) }
                    .then { _ in Ready(()) }  // discard the socket, the buffer and any error
                FutureExecutor.spawn(connection, on: socket.loop)
                served.withLock { $0 += 1 }
            }
            let serverHandle = FutureExecutor.spawn(server, on: loop)

            for round in 0..<3 {
                let client = try await TCPStream.connect(to: listener.localAddress, on: loop)
                let message = (0..<5).map { UInt8($0 + round) }
                try await client.write(message)
                let echoed = try await FutureExecutor.spawn(ReadExact(client, [0, 0, 0, 0, 0]), on: loop).value
                #expect(echoed.buffer == message)
                await client.close()
            }
            #expect(served.value == 3)
            await listener.close()
            try await serverHandle.value  // forEach ends when the listener closes
        }
    }

    @Test func readExactOnAStreamThatEndsEarly() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            try await server.write([1, 2, 3])
            try await server.shutdownWrite()
            do {
                _ = try await FutureExecutor.spawn(ReadExact(client, [UInt8](repeating: 0, count: 10)), on: loop).value
                Issue.record("expected an early end of stream")
            } catch let error as UVError {
                #expect(error == .unexpectedEndOfStream)
                #expect(error.bytesTransferred == 3)
            }
            await client.close()
            await server.close()
        }
    }
}
