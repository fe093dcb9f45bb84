/// A future that receives one datagram into a buffer and yields the buffer with the bytes
/// received and the sender: the seed's `recv_dgram`.
///
/// ```swift
/// var receive = ReceiveDatagram(socket: socket, buffer: [UInt8](repeating: 0, count: 1500))
/// if case .ready(let (buffer, info)) = try receive.poll(&context) {
///     print(buffer[..<info.count], "from", info.sender)
/// }
/// ```
///
/// ## Errors
/// As `UDPSocket.pollReceive(_:)`.
///
/// ## Cancel safety
/// Dropping a pending future loses nothing: datagrams stay queued for the next receive.
public struct ReceiveDatagram: Future, Sendable {
    /// The socket it receives from.
    public let socket: UDPSocket
    private var buffer: [UInt8]?

    /// Creates the future with the buffer to fill; datagrams longer than it are truncated.
    /// - Parameters:
    ///   - socket: the socket to receive from.
    ///   - buffer: where the datagram is copied; its size stays the same.
    public init(socket: UDPSocket, buffer: [UInt8]) {
        self.socket = socket
        self.buffer = buffer
    }

    /// Returns `.ready` with the buffer and what was received once a datagram is there.
    /// - Throws: as `UDPSocket.pollReceive(_:)`.
    public mutating func poll(_ context: inout Context) throws -> Poll<(buffer: [UInt8], info: DatagramInfo)> {
        guard var buffer else { preconditionFailure("ReceiveDatagram polled after it was ready") }
        guard case .ready(let datagram) = try socket.pollReceive(&context) else { return .pending }
        let info = buffer.withUnsafeMutableBytes { UDPSocket.copy(datagram, into: $0) }
        self.buffer = nil
        return .ready((buffer, info))
    }
}
