import UVIO

// The poll style, as in the seed: `incoming().forEach` spawns one future per connection that
// copies the stream to itself and then shuts its write side down.
extension EchoServer {
    static func pollTCP(_ address: SocketAddress, on loop: EventLoop) async throws -> EchoServer {
        let listener = try await TCPListener.bind(address, on: loop)
        // swift-format-ignore: ReplaceForEachWithForLoop
        let server = listener.incoming().forEach { socket in
            let connection = Copy(from: socket, to: socket)
                .flatMap { copied in Shutdown(copied.writer) }
                .then { _ in Ready(()) }  // a peer that resets is the peer's business
            FutureExecutor.spawn(connection, on: socket.loop)
        }
        let handle = FutureExecutor.spawn(server, on: loop)
        let serving = Task { _ = try? await handle.value }
        return EchoServer(
            address: "\(listener.localAddress)", socketAddress: listener.localAddress,
            stop: { await listener.close() }, serving: serving)
    }
}
