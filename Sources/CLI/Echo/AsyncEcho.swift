import UVIO

// The async/await style: one task per connection, each preferring the listener's loop, copying
// what it reads back with `copy(from:to:)` and passing the end of stream on.
extension EchoServer {
    static func asyncTCP(_ address: SocketAddress, on loop: EventLoop) async throws -> EchoServer {
        let listener = try await TCPListener.bind(address, on: loop)
        let serving = Task(executorPreference: loop) {
            await serve(listener.connections, on: loop) { stream in
                try? await stream.setNoDelay(true)
                await echo(stream)
                await stream.close()
            }
        }
        return EchoServer(
            address: "\(listener.localAddress)", socketAddress: listener.localAddress,
            stop: { await listener.close() }, serving: serving)
    }

    static func asyncUnix(_ path: String, on loop: EventLoop) async throws -> EchoServer {
        let listener = try await PipeListener.bind(path: path, on: loop)
        let serving = Task(executorPreference: loop) {
            await serve(listener.connections, on: loop) { stream in
                await echo(stream)
                await stream.close()
            }
        }
        return EchoServer(
            address: listener.path, socketAddress: nil, stop: { await listener.close() },
            serving: serving)
    }
}

/// Accepts until the listener closes, serving each connection in a child task on `loop`. Then
/// cancels the connections still open (their reads end at once) and returns when all are closed.
func serve<Connections: AsyncSequence & Sendable>(
    _ connections: Connections, on loop: EventLoop, _ handle: @escaping @Sendable (Connections.Element) async -> Void
) async where Connections.Element: Sendable {
    await withTaskGroup(of: Void.self) { group in
        do {
            for try await connection in connections {
                group.addTask(executorPreference: loop) { await handle(connection) }
            }
        } catch {
            Console.note("uvio echo: accepting stopped: \(error)")
        }
        group.cancelAll()
    }
}

/// Echoes every byte until the peer ends its stream, then ends ours. A peer that resets the
/// connection ends the echo early; that is the peer's business, not an error of the server.
func echo(_ stream: some AsyncByteReader & AsyncByteWriter) async {
    _ = try? await copy(from: stream, to: stream)
    try? await stream.shutdownWrite()
}
