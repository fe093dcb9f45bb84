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

/// Sends each datagram back from the borrowing receive handler, on the loop thread, straight
/// from libuv's receive buffer.
public func echoDatagramsWithCallbacks(_ socket: UDPSocket) async throws {
    try await socket.onReceive(borrowing: { event in
        guard case .datagram(let bytes, let info) = event else { return }
        socket.send(bytes, to: info.sender) { _ in }
    })
}

/// The poll-style UDP echo, run by `FutureExecutor`: `pollReceive` into a buffer of its own and
/// `pollSend` back to the sender, until the socket closes.
public struct PollDatagramEcho: Future {
    let socket: UDPSocket
    let buffer = EchoBuffer()
    /// The datagram received and not yet sent back.
    var reply: DatagramInfo?

    public init(_ socket: UDPSocket) {
        self.socket = socket
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<Void> {
        while true {
            if let datagram = reply {
                let bytes = UnsafeRawBufferPointer(rebasing: buffer.bytes[..<datagram.count])
                guard case .ready = try socket.pollSend(&context, bytes, to: datagram.sender) else { return .pending }
                reply = nil
            }
            guard case .ready(let datagram) = try socket.pollReceive(&context, into: buffer.bytes) else {
                return .pending
            }
            reply = datagram
        }
    }
}
