import Testing
@testable import UVIO

extension LoopActor {
    /// Reads `rounds` single bytes from `stream` (alternately through `read(into:)` and
    /// `read(maxBytes:)`), noting after each wait whether the code runs on this actor's loop.
    func readAndLook(_ stream: TCPStream, rounds: Int) async throws -> (bytes: [UInt8], onOwnLoop: [Bool]) {
        var bytes: [UInt8] = []
        var onOwnLoop: [Bool] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)
        defer { buffer.deallocate() }
        for round in 0..<rounds {
            if round.isMultiple(of: 2) {
                let count = try await stream.read(into: buffer)
                bytes += buffer.prefix(count)
            } else {
                bytes += try await stream.read(maxBytes: 1)
            }
            onOwnLoop.append(loop.inEventLoop)
        }
        return (bytes, onOwnLoop)
    }
}

/// The library's waits end on their caller's executor, whichever thread resumes them: the
/// stream's loop ends each wait below, and the code after it must be back where it started.
@Suite("Wait isolation", .timeLimit(.minutes(1)))
struct WaitIsolationTests {
    /// Sends `count` bytes one at a time, each once the server is waiting for it.
    private static func trickle(_ count: Int, from client: TCPStream, to server: TCPStream) async throws {
        for byte in 0..<count {
            #expect(await eventually { server.hasWaitingReader })
            try await client.write([UInt8(byte)])
        }
    }

    /// Runs `body` with a connected pair on `loop` and a second loop, `other`; closes the pair.
    private static func withPairAndOtherLoop(
        _ body: (_ loop: EventLoop, _ other: EventLoop, _ client: TCPStream, _ server: TCPStream) async throws -> Void
    ) async throws {
        try await withLoop { loop in
            try await withLoop { other in
                let listener = try await loopbackListener(on: loop)
                let (client, server) = try await connectedPair(listener)
                try await body(loop, other, client, server)
                await client.close(); await server.close(); await listener.close()
            }
        }
    }

    @Test func anActorOnAnotherLoopComesBackToItsLoopAfterEachRead() async throws {
        try await Self.withPairAndOtherLoop { _, other, client, server in
            let actor = LoopActor(loop: other)
            async let seen = actor.readAndLook(server, rounds: 20)
            try await Self.trickle(20, from: client, to: server)
            let (bytes, onOwnLoop) = try await seen
            #expect(bytes == (0..<20).map { UInt8($0) })
            #expect(onOwnLoop == Array(repeating: true, count: 20))
        }
    }

    @Test func aTaskPreferringAnotherLoopComesBackToItAfterEachRead() async throws {
        try await Self.withPairAndOtherLoop { loop, other, client, server in
            let reader = Task(executorPreference: other) { () -> [Bool] in
                var onOther: [Bool] = []
                for _ in 0..<20 {
                    _ = try await server.readExact(1)
                    onOther.append(other.inEventLoop && !loop.inEventLoop)
                }
                return onOther
            }
            try await Self.trickle(20, from: client, to: server)
            #expect(try await reader.value == Array(repeating: true, count: 20))
        }
    }

    @Test func anActorOnAnotherLoopComesBackAfterASleepAndAWrite() async throws {
        try await Self.withPairAndOtherLoop { (_, other, client, server) async throws in
            let actor = LoopActor(loop: other)
            #expect(try await actor.onLoopAcrossSuspension() == [true, true, true])
            // A write large enough to wait for the peer, from the actor.
            let message = [UInt8](repeating: 7, count: 4 * 1024 * 1024)
            async let received = server.readExact(message.count)
            #expect(try await actor.writeAndLook(message, to: client))
            #expect(try await received == message)
        }
    }
}

extension LoopActor {
    /// Writes `bytes` to `stream` and says whether the code after the write runs on this loop.
    func writeAndLook(_ bytes: [UInt8], to stream: TCPStream) async throws -> Bool {
        try await stream.writeAll(bytes)
        return loop.inEventLoop
    }
}
