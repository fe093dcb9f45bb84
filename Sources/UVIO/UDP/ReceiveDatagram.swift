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
        // Taken out while it is filled, so the array is not shared (which would copy it).
        guard var buffer = self.buffer.take() else { preconditionFailure("ReceiveDatagram polled after it was ready") }
        let received: Poll<DatagramInfo>
        do {
            received = try buffer.withUnsafeMutableBytes { try socket.pollReceive(&context, into: $0) }
        } catch {
            self.buffer = buffer
            throw error
        }
        guard case .ready(let info) = received else {
            self.buffer = buffer
            return .pending
        }
        return .ready((buffer, info))
    }
}
