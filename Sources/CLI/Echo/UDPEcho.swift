import UVIO

// UDP echo in each style: every datagram goes back, whole, to its sender.
extension EchoServer {
    static func udp(_ address: SocketAddress, style: EchoStyle, on loop: EventLoop) async throws -> EchoServer {
        let socket = try await UDPSocket.bind(address, on: loop)
        let serving: Task<Void, Never>
        switch style {
        case .async:
            serving = Task(executorPreference: loop) {
                do {
                    for try await datagram in socket.datagrams {
                        try? await socket.send(datagram.bytes, to: datagram.sender)
                    }
                } catch {
                    Console.note("uvio echo: receiving stopped: \(error)")
                }
            }
        case .poll:
            let handle = FutureExecutor.spawn(DatagramEcho(socket: socket), on: loop)
            serving = Task { _ = try? await handle.value }
        case .callback:
            try await socket.onReceive(borrowing: { event in
                guard case .datagram(let bytes, let info) = event else { return }
                socket.send(bytes, to: info.sender) { _ in }
            })
            serving = Task {}
        }
        return EchoServer(
            address: "\(socket.localAddress)", socketAddress: socket.localAddress,
            stop: { await socket.close() }, serving: serving)
    }
}

/// The poll style's UDP echo: receive, send back, repeat; ready once the socket is closed.
private struct DatagramEcho: Future {
    let socket: UDPSocket
    private var pending: Datagram?

    init(socket: UDPSocket) { self.socket = socket }

    mutating func poll(_ context: inout Context) throws -> Poll<Void> {
        while true {
            if let datagram = pending {
                let sent = try? datagram.bytes.withUnsafeBytes {
                    try socket.pollSend(&context, $0, to: datagram.sender)
                }
                if case .pending = sent { return .pending }
                pending = nil  // sent, or failed: UDP drops what it cannot send
            }
            do {
                guard case .ready(let datagram) = try socket.pollReceive(&context) else { return .pending }
                pending = datagram
            } catch UVError.closed {
                return .ready(())
            } catch {
                continue  // a receive error libuv reported (thrown once); keep serving
            }
        }
    }
}
