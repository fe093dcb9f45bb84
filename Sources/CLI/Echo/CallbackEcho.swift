import UVIO

// The callback style: handlers on the loop thread. Each chunk read is written straight back from
// libuv's read buffer (copied only if the socket does not take it at once); the end of the
// stream is passed on with a shutdown, then the connection closes.
//
// There is no back-pressure here: a client that sends without ever reading grows the write queue.
// The async and poll styles read only as fast as they write.
extension EchoServer {
    static func callbackTCP(_ address: SocketAddress, on loop: EventLoop) async throws -> EchoServer {
        let listener = try await TCPListener.bind(address, on: loop)
        listener.startAccepting { result in
            guard case .success(let stream) = result else { return }
            stream.startReading { event in
                switch event {
                case .data(let bytes): stream.write(bytes) { _ in }
                case .endOfStream: stream.shutdownWrite { _ in stream.close {} }
                case .error: stream.close {}
                }
            }
        }
        return EchoServer(
            address: "\(listener.localAddress)", socketAddress: listener.localAddress,
            stop: { await listener.close() }, serving: Task {})
    }
}
