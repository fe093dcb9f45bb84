import Testing
@testable import UVIO

/// Events a reading handler saw, flattened for comparison; shared with the test task.
final class ReadLog: Sendable {
    let bytes = Locked<[UInt8]>([])
    let ends = Locked<[String]>([])
    let onLoopThread = Locked(true)

    func handler(_ loop: EventLoop) -> (TCPStream.ReadEvent) -> Void {
        { [self] event in
            if !loop.inEventLoop { onLoopThread.withLock { $0 = false } }
            switch event {
            case .data(let chunk): bytes.withLock { $0 += chunk }
            case .endOfStream: ends.withLock { $0.append("end") }
            case .error(let error): ends.withLock { $0.append(error.name) }
            }
        }
    }
}

@Suite("Callback façade", .timeLimit(.minutes(2)))
struct CallbackTests {
    @Test func handlerGetsBufferedBytesFirstThenLaterChunksThenTheEnd() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            try await server.write([1, 2, 3])
            #expect(await eventually { client.core.state.withLock { $0.buffer.count } == 3 })
            let log = ReadLog()
            client.startReading(handler: log.handler(loop))
            #expect(await eventually { log.bytes.value.count == 3 })
            try await server.write([4, 5])
            try await server.shutdownWrite()
            #expect(await eventually { log.ends.value == ["end"] })
            #expect(log.bytes.value == [1, 2, 3, 4, 5])
            #expect(log.onLoopThread.value)
            await client.close()
            await server.close()
        }
    }

    @Test func stopReadingLeavesLaterBytesForTheAsyncReader() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let log = ReadLog()
            client.startReading(handler: log.handler(loop))
            try await server.write([1])
            #expect(await eventually { log.bytes.value == [1] })
            client.stopReading()
            try await server.write([2, 3])
            let rest = try await FutureExecutor.spawn(ReadExact(client, [0, 0]), on: loop).value.buffer
            #expect(rest == [2, 3])
            #expect(log.bytes.value == [1])
            await client.close()
            await server.close()
        }
    }

    @Test func aHandlerStartedAgainGetsWhatWasBufferedMeanwhileFirst() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let first = ReadLog()
            client.startReading(handler: first.handler(loop))
            try await server.write([1])
            #expect(await eventually { first.bytes.value == [1] })
            client.stopReading()
            try await server.write([2, 3])
            #expect(await eventually { client.core.state.withLock { $0.buffer.count } == 2 })
            let second = ReadLog()
            client.startReading(handler: second.handler(loop))
            try await server.write([4])
            try await server.shutdownWrite()
            #expect(await eventually { second.ends.value == ["end"] })
            #expect(second.bytes.value == [2, 3, 4])
            #expect(first.bytes.value == [1])
            await client.close()
            await server.close()
        }
    }

    @Test func closeEndsReadingWithClosedAndCallsItsCompletionOnTheLoop() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let log = ReadLog()
            client.startReading(handler: log.handler(loop))
            #expect(await eventually { client.hasWaitingReader })
            let completedOnLoop = try await withCheckedThrowingContinuation { continuation in
                client.close { continuation.resume(returning: loop.inEventLoop) }
            }
            #expect(completedOnLoop)
            #expect(await eventually { !log.ends.value.isEmpty })
            #expect(log.ends.value == ["UVIO_CLOSED"])
            await server.close()
        }
    }

    @Test func writeCompletesOnTheLoopAndFailsAfterShutdown() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let first = await withCheckedContinuation { continuation in
                client.write([7, 8, 9]) { error in continuation.resume(returning: (error, loop.inEventLoop)) }
            }
            #expect(first.0 == nil)
            #expect(first.1)
            let shutdown = await withCheckedContinuation { continuation in
                client.shutdownWrite { continuation.resume(returning: $0) }
            }
            #expect(shutdown == nil)
            let late = await withCheckedContinuation { continuation in
                client.write([1]) { continuation.resume(returning: $0) }
            }
            #expect(late == .brokenPipe)
            let received = try await FutureExecutor.spawn(ReadToEnd(server), on: loop).value.bytes
            #expect(received == [7, 8, 9])
            await client.close()
            await server.close()
        }
    }

    @Test func writesOfAnyCollectionCompleteInOrderOnAndOffTheLoop() async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let order = Locked<[Int]>([])
            func written(_ index: Int) -> @Sendable (UVError?) -> Void {
                { error in order.withLock { $0.append(error == nil && loop.inEventLoop ? index : -index) } }
            }
            client.write([1, 2].reversed(), completion: written(1))  // off the loop, not contiguous
            await Task(executorPreference: loop) {
                client.write([3, 4][...], completion: written(2))
                client.write([6, 5].reversed(), completion: written(3))
            }.value
            client.write(Array("xy".utf8), completion: written(4))
            #expect(await eventually { order.value.count == 4 })
            #expect(order.value == [1, 2, 3, 4])
            try await client.shutdown(.write)
            let received = try await FutureExecutor.spawn(ReadToEnd(server), on: loop).value.bytes
            #expect(received == [2, 1, 3, 4, 5, 6] + Array("xy".utf8))
            await client.close()
            await server.close()
        }
    }

    @Test func acceptingHandlerGetsEachConnectionThenClosed() async throws {
        try await withLoop { loop in
            let listener = try await TCPListener.bind(.loopbackIPv4(port: 0), on: loop)
            let accepted = Locked<[TCPStream]>([])
            let ended = Locked<[UVError]>([])
            listener.startAccepting { result in
                switch result {
                case .success(let stream): accepted.withLock { $0.append(stream) }
                case .failure(let error): ended.withLock { $0.append(error) }
                }
            }
            var clients: [TCPStream] = []
            for _ in 0..<3 { clients.append(try await TCPStream.connect(to: listener.localAddress, on: loop)) }
            #expect(await eventually { accepted.value.count == 3 })
            await withCheckedContinuation { continuation in listener.close { continuation.resume() } }
            #expect(await eventually { ended.value == [.closed] })
            for stream in accepted.value + clients { await stream.close() }
        }
    }

    @Test func stopAcceptingLeavesConnectionsForAccept() async throws {
        try await withLoop { loop in
            let listener = try await TCPListener.bind(.loopbackIPv4(port: 0), on: loop)
            let count = Locked(0)
            listener.startAccepting { _ in count.withLock { $0 += 1 } }
            listener.stopAccepting()
            let client = try await TCPStream.connect(to: listener.localAddress, on: loop)
            let server = try await listener.accept()
            #expect(count.value == 0)
            await listener.close()
            await client.close()
            await server.close()
        }
    }

    @Test func handlersOnAShutDownLoopAreCalledAtOnce() async throws {
        let loop = EventLoop()
        let (client, server) = try await connectedPair(on: loop)
        try await loop.shutdown()
        let log = ReadLog()
        client.startReading(handler: log.handler(loop))
        #expect(log.ends.value == ["UVIO_LOOP_SHUT_DOWN"])
        let error = Locked<UVError?>(nil)
        client.write([1]) { failure in error.withLock { $0 = failure } }
        #expect(error.value == .loopShutDown)
        _ = server
    }
}
