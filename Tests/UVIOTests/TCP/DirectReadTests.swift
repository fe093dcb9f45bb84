import Testing
@testable import UVIO

/// A `read(into:)` that waits with nothing buffered lends its memory to libuv, which reads
/// straight into it (`StreamCore.readTarget`).
@Suite("Reads straight into a waiting reader's memory", .timeLimit(.minutes(2)))
struct DirectReadTests {
    @Test func theBytesSkipTheReceiveBuffer() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let lent = LentBuffer(count: 100)
            let reading = Task(executorPreference: loop) { try await server.read(into: lent.bytes) }
            #expect(await eventually { server.hasWaitingReader })
            try await client.write([1, 2, 3, 4, 5])
            #expect(try await reading.value == 5)
            #expect(Array(lent.bytes[..<5]) == [1, 2, 3, 4, 5])
            // Through the receive buffer, the bytes would have left it storage behind.
            #expect(server.core.state.withLock { $0.buffer.capacity } == 0)
            await client.close()
            await server.close()
        }
    }

    /// A reader's memory smaller than what came: libuv fills it, reads the rest into the loop's
    /// buffer, and the next read finds those bytes, in order.
    @Test func whatDoesNotFitWaitsInOrder() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let lent = LentBuffer(count: 3)
            let reading = Task(executorPreference: loop) { try await server.read(into: lent.bytes) }
            #expect(await eventually { server.hasWaitingReader })
            try await client.write([1, 2, 3, 4, 5])
            #expect(try await reading.value == 3)
            #expect(Array(lent.bytes) == [1, 2, 3])
            #expect(try await server.readExact(2) == [4, 5])
            await client.close()
            await server.close()
        }
    }

    /// A cancellation racing the bytes: the read either returns them or throws and leaves them
    /// for the next read; never both, never neither.
    @Test func cancellationRacingTheBytesLosesNothing() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let lent = LentBuffer(count: 1)
            var cancelledWaits = 0
            for round in 0..<200 {
                let byte = UInt8(truncatingIfNeeded: round)
                let reading = Task(executorPreference: loop) { try await server.read(into: lent.bytes) }
                #expect(await eventually { server.hasWaitingReader })
                try await client.write([byte])
                reading.cancel()
                do {
                    #expect(try await reading.value == 1)
                    #expect(lent.bytes[0] == byte)
                } catch is CancellationError {
                    cancelledWaits += 1
                    #expect(try await server.readExact(1) == [byte])
                }
            }
            print("cancelled while waiting: \(cancelledWaits) of 200")
            await client.close()
            await server.close()
        }
    }

    /// `TCPStream.writeAll(_:)` on raw memory: more than the socket takes at once (the rest is
    /// queued), all of it arriving in order; and nothing to write returns at once.
    @Test func rawWriteAllSendsEveryByte() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let message = pattern(8 * 1024 * 1024)
            async let received = server.readExact(message.count)
            let raw = LentBuffer(count: message.count)
            raw.bytes.copyBytes(from: message)
            try await client.writeAll(UnsafeRawBufferPointer(raw.bytes))
            try await client.writeAll(UnsafeRawBufferPointer(start: nil, count: 0))
            #expect(try await received == message)
            await client.close()
            await server.close()
        }
    }

    /// The peer's end of stream and a reset reach a reader waiting with its memory lent.
    @Test(arguments: [false, true])
    func theEndReachesAWaitingReader(reset: Bool) async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let lent = LentBuffer(count: 16)
            let reading = Task(executorPreference: loop) { try await server.read(into: lent.bytes) }
            #expect(await eventually { server.hasWaitingReader })
            if reset {
                await client.closeWithReset()
                await #expect(throws: UVError.connectionReset) { try await reading.value }
            } else {
                try await client.shutdown(.write)
                #expect(try await reading.value == 0)
                await client.close()
            }
            await server.close()
        }
    }
}
