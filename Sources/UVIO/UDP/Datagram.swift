/// One received UDP datagram: its bytes and the address it came from.
///
/// What `UDPSocket.receive()` returns and `UDPSocket.datagrams` yields: the seed's `recv_dgram`,
/// which yields the data and the address it came from.
///
/// ```swift
/// let datagram = try await socket.receive()
/// try await socket.send(datagram.bytes, to: datagram.sender)  // echo
/// ```
public struct Datagram: Sendable, Hashable {
    /// The payload; empty for an empty datagram (which UDP allows).
    public var bytes: [UInt8]
    /// The address the datagram came from.
    public var sender: SocketAddress
    /// Whether the datagram was larger than the receive buffer, so `bytes` holds only its start
    /// and the rest was discarded. The corresponding libuv flag is `UV_UDP_PARTIAL`.
    public var isTruncated: Bool

    /// Creates a datagram value.
    /// - Parameters:
    ///   - bytes: the payload.
    ///   - sender: where it came from.
    ///   - isTruncated: whether the payload is only the start of a longer datagram.
    public init(bytes: [UInt8], sender: SocketAddress, isTruncated: Bool = false) {
        self.bytes = bytes
        self.sender = sender
        self.isTruncated = isTruncated
    }
}
