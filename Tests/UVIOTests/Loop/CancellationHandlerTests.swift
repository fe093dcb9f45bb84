import Testing
@testable import UVIO

/// `withCancellationHandler` adds the task's cancellation record itself. A task cancelled before
/// it waits must not wait (the runtime runs the handler at once, and the waits check the flag
/// again under their lock); the stream and listener stay usable afterwards.
@Suite("Cancellation handler", .timeLimit(.minutes(1)))
struct CancellationHandlerTests {
    /// Runs `body` in a task preferring `loop` that is cancelled before `body` starts.
    private static func inCancelledTask<T: Sendable>(
        on loop: EventLoop, _ body: @escaping @Sendable () async throws -> T
    ) async -> Result<T, any Error> {
        let gate = WakeSignal()
        let task = Task(executorPreference: loop) { () async throws -> T in
            await gate.wait()
            return try await body()
        }
        task.cancel()
        gate.wake()
        return await task.result
    }

    @Test func waitsOfACancelledTaskThrowAtOnce() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            let results: [Result<Void, any Error>] = [
                await Self.inCancelledTask(on: loop) { _ = try await server.read(maxBytes: 10) },
                await Self.inCancelledTask(on: loop) {
                    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 10, alignment: 1)
                    defer { buffer.deallocate() }
                    _ = try await server.read(into: buffer)
                },
                await Self.inCancelledTask(on: loop) { try await loop.sleep(for: .seconds(30)) },
                await Self.inCancelledTask(on: loop) { _ = try await listener.accept() },
            ]
            for result in results {
                #expect(throws: CancellationError.self) { try result.get() }
            }
            #expect(!server.hasWaitingReader)
            // Nothing was consumed or left registered: the next read gets the next bytes.
            try await client.write("after")
            #expect(try await server.readExact(5) == Array("after".utf8))
            await client.close(); await server.close(); await listener.close()
        }
    }
}
