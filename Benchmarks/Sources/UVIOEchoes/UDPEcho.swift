import UVIO

// The UDP echo in each style: every datagram goes back to its sender.

/// Receives into a buffer of its own and sends back what came, with the async methods.
public func echoDatagrams(_ socket: UDPSocket) async throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    defer { buffer.deallocate() }
    while true {
        let datagram = try await socket.receive(into: buffer)
        try await socket.send(UnsafeRawBufferPointer(rebasing: buffer[..<datagram.count]), to: datagram.sender)
    }
}

/// Sends each datagram back from the receive handler, on the loop thread.
public func echoDatagramsWithCallbacks(_ socket: UDPSocket) async throws {
    try await socket.onReceive { result in
        guard case .success(let datagram) = result else { return }
        socket.send(datagram.bytes, to: datagram.sender) { _ in }
    }
}

/// A hand-driven poll loop: receive with `pollReceive`, send back with `pollSend`; on `.pending`
/// the waker queues the next `poll()` on the loop.
///
/// Safe as `@unchecked Sendable`: `reply` and `buffer` are touched only in `poll()`, which runs
/// on the loop thread. The waker holds the echo strongly: it lives as long as the server.
public final class PollDatagramEcho: @unchecked Sendable {
    let socket: UDPSocket
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    var reply: DatagramInfo?
    var context = Context(waker: .noop)

    public init(_ socket: UDPSocket) {
        self.socket = socket
        context = Context(waker: Waker { [self] in try? socket.loop.execute { self.poll() } })
    }

    /// Echoes until the socket would block; call it once on the loop thread to start.
    public func poll() {
        do {
            while true {
                if let datagram = reply {
                    let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<datagram.count])
                    guard case .ready = try socket.pollSend(&context, bytes, to: datagram.sender) else { return }
                    reply = nil
                }
                guard case .ready(let datagram) = try socket.pollReceive(&context, into: buffer) else { return }
                reply = datagram
            }
        } catch UVError.closed {
            return  // the socket was closed: the echo ends
        } catch {
            fatalError("PollDatagramEcho: \(error)")
        }
    }
}
